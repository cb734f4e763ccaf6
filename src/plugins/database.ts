import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Db } from '../db/tables.js'
import type { MetaRegistry } from '../meta/registry.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    registry: MetaRegistry
  }
}

export interface DatabasePluginOptions {
  db: Db
  registry: MetaRegistry
}

/** Makes the database and the DocTypes available to routes, and closes the database last. */
export const databasePlugin = fp(async (app: FastifyInstance, options: DatabasePluginOptions) => {
  app.decorate('db', options.db)
  app.decorate('registry', options.registry)
  app.addHook('onClose', async () => { await options.db.destroy() })
}, { name: 'database' })
