import type { DocumentRow } from '../db/tables.js'
import { inTransaction } from '../db/transactions.js'
import { ValidationError } from '../errors.js'
import { rights, type Right } from '../meta/definition.js'
import type { DocTypeMeta, PermissionRule } from '../meta/doctype-meta.js'
import type { ServiceContext } from './context.js'
import { customDocPermDocType } from './custom-docperms.js'
import { deleteDocument, insertDocument, updateDocument } from './documents.js'
import { assertMay } from './permissions.js'

/**
 * Frappe's Role Permission Manager: the permission rows of a DocType, edited as a whole. The
 * first change copies the shipped rows into Custom DocPerm, which from then on replace them; a
 * reset deletes the copies. Every change is a Custom DocPerm write, so it needs the rights on
 * Custom DocPerm (System Manager's) and is in force at once.
 */

/** One permission row as Frappe's get_permissions sends it. */
export type PermissionRow = Record<string, string | number | null>

/** Which row a change names: Frappe keys rows by role, level and if_owner. */
export interface RuleKey {
  readonly doctype: string
  readonly role: string
  readonly permlevel: number
  readonly ifOwner: boolean
}

function governedDocType (ctx: ServiceContext, doctype: string): DocTypeMeta {
  const meta = ctx.registry.get(doctype)
  if (meta.isTable) throw new ValidationError(`${meta.name} is a child table: its rows follow the permissions of the DocType that holds them`)
  return meta
}

async function customRows (ctx: ServiceContext, meta: DocTypeMeta): Promise<DocumentRow[]> {
  return await ctx.db.selectFrom(`tab${customDocPermDocType}`).selectAll()
    .where('parent', '=', meta.name).orderBy('permlevel').orderBy('creation').orderBy('name').execute()
}

function ruleRow (meta: DocTypeMeta, rule: PermissionRule): PermissionRow {
  return {
    parent: meta.name,
    role: rule.role,
    permlevel: rule.permlevel,
    if_owner: rule.ifOwner ? 1 : 0,
    ...Object.fromEntries(rights.map((right) => [right, rule.rights.has(right) ? 1 : 0]))
  }
}

/** The rows in force for a DocType (its Custom DocPerm rows, else those it shipped with), optionally of one role. */
export async function permissionRows (ctx: ServiceContext, doctype: string, role?: string): Promise<PermissionRow[]> {
  const snapshot = await ctx.permissions.current(ctx.db)
  assertMay(snapshot.access(ctx.user, ctx.registry.get(customDocPermDocType)), 'read')
  const meta = governedDocType(ctx, doctype)
  const custom = await customRows(ctx, meta)
  const rows: PermissionRow[] = custom.length > 0
    ? custom.map((row) => ({ name: row.name ?? null, parent: meta.name, role: row.role ?? null, permlevel: Number(row.permlevel), if_owner: Number(row.if_owner), ...Object.fromEntries(rights.map((right) => [right, Number(row[right])])) }))
    : [...meta.permissions].sort((a, b) => a.permlevel - b.permlevel).map((rule) => ruleRow(meta, rule))
  return role === undefined ? rows : rows.filter((row) => row.role === role)
}

/** Copies the shipped rows into Custom DocPerm unless the DocType has custom rows already; whether it did. */
async function customize (ctx: ServiceContext, meta: DocTypeMeta): Promise<boolean> {
  if ((await customRows(ctx, meta)).length > 0) return false
  for (const rule of meta.permissions) await insertDocument(ctx, customDocPermDocType, ruleRow(meta, rule))
  return true
}

async function findRule (ctx: ServiceContext, key: RuleKey): Promise<DocumentRow | undefined> {
  return await ctx.db.selectFrom(`tab${customDocPermDocType}`).selectAll()
    .where('parent', '=', key.doctype).where('role', '=', key.role)
    .where('permlevel', '=', key.permlevel).where('if_owner', '=', key.ifOwner ? 1 : 0)
    .executeTakeFirst()
}

async function withCustomRows<T> (ctx: ServiceContext, doctype: string, change: (trx: ServiceContext, meta: DocTypeMeta, copied: boolean) => Promise<T>): Promise<T> {
  return await inTransaction(ctx.db, async (db) => {
    const trx = { ...ctx, db }
    const meta = governedDocType(trx, doctype)
    return await change(trx, meta, await customize(trx, meta))
  })
}

/** Frappe's add: a row for the role at the level, with read, unless there is one already. */
export async function addRule (ctx: ServiceContext, key: RuleKey): Promise<void> {
  await withCustomRows(ctx, key.doctype, async (trx, meta) => {
    if (await findRule(trx, { ...key, doctype: meta.name }) !== undefined) return
    await insertDocument(trx, customDocPermDocType, { parent: meta.name, role: key.role, permlevel: key.permlevel, if_owner: key.ifOwner ? 1 : 0, read: 1 })
  })
}

/** Frappe's update: sets rights on the role's row at the level; 'refresh' when the shipped rows were copied first. */
export async function updateRule (ctx: ServiceContext, key: RuleKey, changes: Partial<Record<Right, boolean>>): Promise<'refresh' | null> {
  return await withCustomRows(ctx, key.doctype, async (trx, meta, copied) => {
    const row = await findRule(trx, { ...key, doctype: meta.name })
    if (row === undefined) throw new ValidationError(`${meta.name} has no permission row for ${key.role} at level ${key.permlevel}${key.ifOwner ? ' (if owner)' : ''}: add one first`)
    await updateDocument(trx, customDocPermDocType, String(row.name), Object.fromEntries(Object.entries(changes).map(([right, value]) => [right, value ? 1 : 0])))
    return copied ? 'refresh' : null
  })
}

/** Frappe's remove: deletes the role's row at the level; a DocType keeps at least one row. */
export async function removeRule (ctx: ServiceContext, key: RuleKey): Promise<void> {
  await withCustomRows(ctx, key.doctype, async (trx, meta) => {
    const row = await findRule(trx, { ...key, doctype: meta.name })
    if (row === undefined) return
    await deleteDocument(trx, customDocPermDocType, String(row.name))
    if ((await customRows(trx, meta)).length === 0) throw new ValidationError('There must be atleast one permission rule.')
  })
}

/** Frappe's reset: deletes the DocType's Custom DocPerm rows, so that its shipped rows apply again. */
export async function resetRules (ctx: ServiceContext, doctype: string): Promise<void> {
  await inTransaction(ctx.db, async (db) => {
    const trx = { ...ctx, db }
    const meta = governedDocType(trx, doctype)
    assertMay((await trx.permissions.current(db)).access(trx.user, trx.registry.get(customDocPermDocType)), 'delete')
    for (const row of await customRows(trx, meta)) await deleteDocument(trx, customDocPermDocType, String(row.name))
  })
}
