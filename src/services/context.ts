import type { Db } from '../db/tables.js'
import type { MetaRegistry } from '../meta/registry.js'
import type { RequestUser } from './users.js'

/** What every service call needs: the database, the DocTypes and who is asking. */
export interface ServiceContext {
  readonly db: Db
  readonly registry: MetaRegistry
  readonly user: RequestUser
}
