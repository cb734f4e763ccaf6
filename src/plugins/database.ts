import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Db } from '../db/tables.js'
import type { MetaRegistry } from '../meta/registry.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    registry: MetaRegistry
    config: Config
  }
}

export interface DatabasePluginOptions {
  db: Db
  registry: MetaRegistry
  config: Config
}

/** Makes the database, the DocTypes and the settings available to routes; closes the database last. */
export const databasePlugin = fp(async (app: FastifyInstance, options: DatabasePluginOptions) => {
  app.decorate('db', options.db)
  app.decorate('registry', options.registry)
  app.decorate('config', options.config)
  app.addHook('onClose', async () => { await options.db.destroy() })
}, { name: 'database' })
