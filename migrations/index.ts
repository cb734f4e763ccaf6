import type { Migration } from 'kysely'
import * as systemTables from './0001-system-tables.js'
import * as sessionsAndKeyLifecycle from './0002-sessions-and-key-lifecycle.js'
import * as permissionVersion from './0003-permission-version.js'

/** Every migration, in the order they apply: listed here so that the build cannot miss one. */
export const migrations: Record<string, Migration> = {
  '0001-system-tables': systemTables,
  '0002-sessions-and-key-lifecycle': sessionsAndKeyLifecycle,
  '0003-permission-version': permissionVersion
}
