import type { Db } from '../db/tables.js'
import type { MetaRegistry } from '../meta/registry.js'
import type { PermissionCache } from './permission-cache.js'
import type { RequestUser } from './users.js'

/** A site's services: the database, the DocTypes, and the permissions in force. */
export interface SiteServices {
  readonly db: Db
  readonly registry: MetaRegistry
  readonly permissions: PermissionCache
}

/** What every service call needs: the site's services and who is asking. */
export interface ServiceContext extends SiteServices {
  readonly user: RequestUser
}
