import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import type { Config } from '../config.js'
import type { Db } from '../db/tables.js'
import type { MetaRegistry } from '../meta/registry.js'
import type { SiteServices } from '../services/context.js'
import type { PermissionCache } from '../services/permission-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    registry: MetaRegistry
    permissions: PermissionCache
    config: Config
  }
}

export interface DatabasePluginOptions {
  site: SiteServices
  config: Config
}

/** Makes the database, the DocTypes, the permissions and the settings available to routes; closes the database last. */
export const databasePlugin = fp(async (app: FastifyInstance, options: DatabasePluginOptions) => {
  app.decorate('db', options.site.db)
  app.decorate('registry', options.site.registry)
  app.decorate('permissions', options.site.permissions)
  app.decorate('config', options.config)
  // Requests in flight have finished by now: fold the write-ahead log into the database file and close it.
  app.addHook('onClose', async () => {
    try {
      await sql`pragma wal_checkpoint(truncate)`.execute(options.site.db)
    } catch (error) {
      app.log.warn({ err: error }, 'the write-ahead log could not be checkpointed at close')
    }
    await options.site.db.destroy()
  })
}, { name: 'database' })
