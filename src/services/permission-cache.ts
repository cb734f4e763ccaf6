import type { Db } from '../db/tables.js'
import type { Right } from '../meta/definition.js'
import type { DocTypeMeta, PermissionRule } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'
import { customDocPermDocType, loadCustomRules } from './custom-docperms.js'
import { accessTo, type Access } from './permissions.js'
import { hasSharedDocuments, loadSharedRights, shareDocType } from './shares.js'
import { loadUserPermissions, userPermissionDocType, type UserPermissions } from './user-permissions.js'
import type { RequestUser } from './users.js'

/** The DocTypes whose documents decide which roles a user holds. */
export function bearsOnRoles (meta: DocTypeMeta): boolean {
  return ['User', 'Has Role', 'Role'].includes(meta.name)
}

/**
 * The DocTypes whose documents decide permissions: users and their roles, permission rows, user
 * permissions, shares, and trees (a user permission on a node allows the nodes below it).
 */
function bearsOnPermissions (meta: DocTypeMeta): boolean {
  return bearsOnRoles(meta) || [customDocPermDocType, userPermissionDocType, shareDocType].includes(meta.name) ||
    meta.treeParentField !== undefined
}

async function readPermissionVersion (db: Db): Promise<number> {
  const row = await db.selectFrom('permission_version').select('version').where('id', '=', 1).executeTakeFirstOrThrow()
  return row.version
}

/** Moves the version on: called in the transaction of every change bearing on permissions. */
async function movePermissionVersion (db: Db): Promise<void> {
  await db.updateTable('permission_version').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute()
}

/** Lookups kept for one version, cleared whole when they grow past a bound. */
class Memo<V> {
  readonly #entries = new Map<string, Promise<V>>()
  constructor (readonly maxEntries: number) {}

  async get (key: string, load: () => Promise<V>): Promise<V> {
    const found = this.#entries.get(key)
    if (found !== undefined) return await found
    if (this.#entries.size >= this.maxEntries) this.#entries.clear()
    const loading = load()
    this.#entries.set(key, loading)
    try {
      return await loading
    } catch (error) {
      this.#entries.delete(key)
      throw error
    }
  }
}

/**
 * Everything permissions depend on, as of one permission version: the rows in force per DocType,
 * and, loaded on first use, each user's access per DocType, User Permissions and shares.
 */
export class PermissionSnapshot {
  // By the definition itself, not its name: a request that began before a reload keeps to the old one.
  readonly #access = new WeakMap<RequestUser, WeakMap<DocTypeMeta, Access>>()
  readonly #userPermissions: Memo<UserPermissions>
  readonly #sharedRights: Memo<ReadonlySet<Right>>
  readonly #hasShared: Memo<boolean>

  constructor (
    readonly version: number,
    readonly registry: MetaRegistry,
    readonly customRules: ReadonlyMap<string, readonly PermissionRule[]>,
    maxEntries: number
  ) {
    this.#userPermissions = new Memo(maxEntries)
    this.#sharedRights = new Memo(maxEntries)
    this.#hasShared = new Memo(maxEntries)
  }

  /** The DocType's permission rows: its Custom DocPerm rows when it has any, else those it shipped with. */
  rules (meta: DocTypeMeta): readonly PermissionRule[] {
    return this.customRules.get(meta.name) ?? meta.permissions
  }

  /** What the user's roles give them on the DocType, resolved once per user and DocType. */
  access (user: RequestUser, meta: DocTypeMeta): Access {
    let byDocType = this.#access.get(user)
    if (byDocType === undefined) {
      byDocType = new WeakMap()
      this.#access.set(user, byDocType)
    }
    let access = byDocType.get(meta)
    if (access === undefined) {
      access = accessTo(user, meta, this.rules(meta))
      byDocType.set(meta, access)
    }
    return access
  }

  async userPermissions (db: Db, user: RequestUser): Promise<UserPermissions> {
    return await this.#userPermissions.get(user.name, async () => await loadUserPermissions(db, this.registry, user))
  }

  /** The rights shares give the user on one document. */
  async sharedRights (db: Db, user: RequestUser, meta: DocTypeMeta, name: string): Promise<ReadonlySet<Right>> {
    return await this.#sharedRights.get(`${user.name}\u0000${meta.name}\u0000${name.toLowerCase()}`, async () => await loadSharedRights(db, this.registry, user, meta, name))
  }

  /** Whether any document of the DocType is shared with the user for reading: a list is then allowed. */
  async hasSharedDocuments (db: Db, user: RequestUser, meta: DocTypeMeta): Promise<boolean> {
    return await this.#hasShared.get(`${user.name}\u0000${meta.name}`, async () => await hasSharedDocuments(db, this.registry, user, meta))
  }
}

export interface PermissionCacheOptions {
  /** How long a process goes on trusting the version it last read: the bound on staleness. */
  readonly recheckMs?: number
  /** Users' lookups kept per version before they are dropped and loaded again. */
  readonly maxEntries?: number
}

/**
 * One process's permissions, kept while the permission version stands still. The version is read
 * again at most every `recheckMs` (one second by default): a change made in another process is in
 * force here within that time; one made here, at once.
 */
export class PermissionCache {
  readonly recheckMs: number
  readonly #maxEntries: number
  readonly #listeners: Array<(meta: DocTypeMeta) => void> = []
  #snapshot: PermissionSnapshot | undefined
  #checkedAt = Number.NEGATIVE_INFINITY
  /** Moves on at each reset, so that a snapshot built across one is not kept. */
  #generation = 0
  /** The transactions that have changed something bearing on permissions. */
  readonly #changedIn = new WeakSet<Db>()

  constructor (readonly registry: MetaRegistry, options: PermissionCacheOptions = {}) {
    this.recheckMs = options.recheckMs ?? 1000
    this.#maxEntries = options.maxEntries ?? 10_000
  }

  /**
   * The permissions in force. A transaction that has changed something bearing on permissions
   * reads changes that are not committed yet: a snapshot it builds is used and forgotten. Any
   * other transaction reads committed state, so what it reads is kept as any other read is
   * (a process that only writes would otherwise build a snapshot for every write).
   */
  async current (db: Db, now = performance.now()): Promise<PermissionSnapshot> {
    if (this.#snapshot !== undefined && now - this.#checkedAt < this.recheckMs) return this.#snapshot
    const generation = this.#generation
    const version = await readPermissionVersion(db)
    const committed = !this.#changedIn.has(db)
    if (this.#snapshot?.version === version) {
      if (committed) this.#checkedAt = now
      return this.#snapshot
    }
    const snapshot = new PermissionSnapshot(version, this.registry, await loadCustomRules(db, this.registry), this.#maxEntries)
    if (!committed || generation !== this.#generation) return snapshot
    this.#snapshot = snapshot
    this.#checkedAt = now
    return snapshot
  }

  /** Records a change to a document of `meta`, in the transaction `trx` that makes it, when it bears on permissions. */
  async changed (trx: Db, meta: DocTypeMeta): Promise<void> {
    if (!bearsOnPermissions(meta)) return
    await movePermissionVersion(trx)
    this.#changedIn.add(trx)
    this.#checkedAt = Number.NEGATIVE_INFINITY
    for (const listener of this.#listeners) listener(meta)
  }

  /** Drops what is kept, as after the DocTypes were loaded again: resolved access points at their old definitions. */
  reset (): void {
    this.#generation++
    this.#snapshot = undefined
    this.#checkedAt = Number.NEGATIVE_INFINITY
  }

  /** Calls `listener` after each change made in this process (the credential caches drop their users' roles). */
  onChange (listener: (meta: DocTypeMeta) => void): void {
    this.#listeners.push(listener)
  }
}
