import { openDatabase } from './db/connection.js'
import { syncDocTypeTables } from './db/doctype-tables.js'
import { migrateToLatest } from './db/migrator.js'
import { inTransaction } from './db/transactions.js'
import type { Config } from './config.js'
import { loadDocTypes } from './meta/loader.js'
import type { MetaRegistry } from './meta/registry.js'
import { demoDataFile, shippedDocTypesDir } from './paths.js'
import type { Progress } from './progress.js'
import type { SiteServices } from './services/context.js'
import { seedDemoData } from './services/demo-data.js'
import { PermissionCache } from './services/permission-cache.js'
import { ensureSystemRecords, type AdministratorCredentials } from './services/system-records.js'

/** A database made ready for the DocTypes it serves. */
export interface Site extends SiteServices {
  readonly administrator: AdministratorCredentials
  /** The migrations this start applied. */
  readonly migrationsApplied: readonly string[]
  /** How many demo records a new database was given. */
  readonly demoRecords: number
}

export function loadSiteDocTypes (config: Config): MetaRegistry {
  return loadDocTypes([shippedDocTypesDir, ...config.doctypesDirs])
}

/**
 * Everything a start does before serving: load and check the DocTypes, open the database,
 * migrate the system tables, sync the DocType tables, and give a new database its records (in one
 * transaction, so that a start that fails there leaves the database new for the next one).
 */
export async function openSite (config: Config, progress?: Progress): Promise<Site> {
  const registry = loadSiteDocTypes(config)
  const db = openDatabase(config.databaseUrl)
  const permissions = new PermissionCache(registry)
  try {
    const migrationsApplied = (await migrateToLatest(db, progress)).map((result) => result.migrationName)
    await syncDocTypeTables(db, registry, progress)
    const adminKey = config.adminApiKey !== undefined && config.adminApiSecret !== undefined
      ? { api_key: config.adminApiKey, api_secret: config.adminApiSecret }
      : undefined
    const { administrator, demoRecords } = await inTransaction(db, async (trx) => {
      const administrator = await ensureSystemRecords(trx, registry, { adminPassword: config.adminPassword, adminKey })
      const demoRecords = administrator.created && config.seedDemoData ? await seedDemoData({ db: trx, registry, permissions }, demoDataFile) : 0
      return { administrator, demoRecords }
    })
    return { db, registry, permissions, administrator, migrationsApplied, demoRecords }
  } catch (error) {
    await db.destroy()
    throw error
  }
}
