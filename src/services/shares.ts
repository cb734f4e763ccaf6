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

/** The rights shares give the user on one document. */
export async function loadSharedRights (db: Db, registry: MetaRegistry, user: RequestUser, meta: DocTypeMeta, name: string): Promise<ReadonlySet<Right>> {
  const granted = new Set<Right>()
  if (user.isGuest || registry.find(shareDocType) === undefined) return granted
  const rows = await db.selectFrom(`tab${shareDocType}`).select(['read', 'write', 'share', 'submit'])
    .where(sharesFor(user, meta.name)).where('share_name', '=', name).execute()
  for (const row of rows) {
    for (const [right, flag] of Object.entries(sharedBy) as Array<[Right, 'read' | 'write' | 'share' | 'submit']>) {
      if (row[flag] === 1) granted.add(right)
    }
  }
  return granted
}

/** Whether anything of the DocType is shared with the user for reading. */
export async function hasSharedDocuments (db: Db, registry: MetaRegistry, user: RequestUser, meta: DocTypeMeta): Promise<boolean> {
  if (user.isGuest || registry.find(shareDocType) === undefined) return false
  const row = await db.selectFrom(`tab${shareDocType}`).select('name').where(sharesFor(user, meta.name)).where('read', '=', 1).limit(1).executeTakeFirst()
  return row !== undefined
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
