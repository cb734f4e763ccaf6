import { sql, type Expression, type SqlBool } from 'kysely'
import type { Db } from '../db/tables.js'
import type { Right } from '../meta/definition.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'
import type { RequestUser } from './users.js'

/**
 * Frappe's document shares: a DocShare row gives one user (or everyone) read, write, share or
 * submit on one document, on top of what their roles give.
 */
export const shareDocType = 'DocShare'

/** The rights a share can give; read also gives print and email, as in Frappe. */
const sharedBy: Readonly<Partial<Record<Right, 'read' | 'write' | 'share' | 'submit'>>> = {
  read: 'read', print: 'read', email: 'read', write: 'write', share: 'share', submit: 'submit'
}

function sharesFor (user: RequestUser, doctype: string): Expression<SqlBool> {
  return sql<SqlBool>`share_doctype = ${doctype} and (${sql.ref('user')} = ${user.name} or everyone = 1)`
}

/** The rights shares give a user on the shared documents of one DocType, by lower-cased name. */
export type SharedRights = ReadonlyMap<string, ReadonlySet<Right>>

export async function loadSharedRights (db: Db, registry: MetaRegistry, user: RequestUser, meta: DocTypeMeta): Promise<SharedRights> {
  const granted = new Map<string, Set<Right>>()
  if (user.isGuest || registry.find(shareDocType) === undefined) return granted
  const rows = await db.selectFrom(`tab${shareDocType}`).select(['share_name', 'read', 'write', 'share', 'submit'])
    .where(sharesFor(user, meta.name)).execute()
  for (const row of rows) {
    const key = String(row.share_name).toLowerCase()
    const rights = granted.get(key) ?? new Set<Right>()
    for (const [right, flag] of Object.entries(sharedBy) as Array<[Right, 'read' | 'write' | 'share' | 'submit']>) {
      if (row[flag] === 1) rights.add(right)
    }
    granted.set(key, rights)
  }
  return granted
}

/** Whether a share gives the user `right` on the document. */
export function sharedRight (shared: SharedRights, name: string, right: Right): boolean {
  return shared.get(name.toLowerCase())?.has(right) ?? false
}

/** Whether anything of the DocType is shared with the user for reading: a list is then allowed. */
export function hasSharedDocuments (shared: SharedRights): boolean {
  return [...shared.values()].some((rights) => rights.has('read'))
}

/**
 * The SQL condition "shared with the user for reading" for a list of `listed`: its own rows, or
 * for a child table, the rows whose parent (of DocType `governing`) is shared.
 */
export function sharedForReading (registry: MetaRegistry, user: RequestUser, listed: DocTypeMeta, governing: DocTypeMeta): Expression<SqlBool> | undefined {
  if (user.isGuest || registry.find(shareDocType) === undefined) return undefined
  const column = sql.ref(`${listed.table}.${listed.isTable ? 'parent' : 'name'}`)
  return sql<SqlBool>`${column} in (select share_name from ${sql.table(`tab${shareDocType}`)} where ${sharesFor(user, governing.name)} and ${sql.ref('read')} = 1)`
}

/** Shares of a document go with it. Whether there were any. */
export async function deleteShares (db: Db, registry: MetaRegistry, meta: DocTypeMeta, name: string): Promise<boolean> {
  if (registry.find(shareDocType) === undefined || meta.name === shareDocType) return false
  const [result] = await db.deleteFrom(`tab${shareDocType}`).where('share_doctype', '=', meta.name).where('share_name', '=', name).execute()
  return (result?.numDeletedRows ?? 0n) > 0n
}
