import type { DocumentRow } from '../db/tables.js'
import { inTransaction } from '../db/transactions.js'
import { ValidationError } from '../errors.js'
import { rights, type Right } from '../meta/definition.js'
import { compilePermission, type DocTypeMeta, type PermissionRule } from '../meta/doctype-meta.js'
import type { ServiceContext } from './context.js'
import { asPermissionRow, customDocPermDocType, findRules, governedDocType, type RuleKey } from './custom-docperms.js'
import { deleteDocument, insertDocument, updateDocument } from './documents.js'
import { assertMay } from './permissions.js'

/** One permission row as Frappe's get_permissions sends it. */
export type PermissionRow = {
  /** Custom rows only: shipped rows are not documents here. */
  name?: string
  parent: string
  role: string
  permlevel: number
  if_owner: 0 | 1
  /** The DocTypes its Link fields point at, which the Role Permission Manager offers for User Permissions. */
  linked_doctypes: string[]
  is_submittable: 0 | 1
  in_create: 0
} & Record<Right, 0 | 1>

/** The changes Frappe's update makes: one right, or if_owner. */
export type RuleChanges = Partial<Record<Right | 'if_owner', boolean>>

function linkedDocTypes (ctx: ServiceContext, meta: DocTypeMeta): string[] {
  const fields = [meta, ...meta.tables.map((table) => ctx.registry.get(table.options))].flatMap((m) => m.columns)
  return [...new Set(fields.filter((field) => field.fieldtype === 'Link').map((field) => field.options))].sort()
}

/** A rule as the fields of a Custom DocPerm row. */
function ruleValues (meta: DocTypeMeta, rule: PermissionRule): Omit<PermissionRow, 'name' | 'linked_doctypes' | 'is_submittable' | 'in_create'> {
  return {
    parent: meta.name,
    role: rule.role,
    permlevel: rule.permlevel,
    if_owner: rule.ifOwner ? 1 : 0,
    ...Object.fromEntries(rights.map((right) => [right, rule.rights.has(right) ? 1 : 0])) as Record<Right, 0 | 1>
  }
}

function rowOf (ctx: ServiceContext, meta: DocTypeMeta, rule: PermissionRule, name?: string): PermissionRow {
  return {
    ...(name === undefined ? {} : { name }),
    ...ruleValues(meta, rule),
    linked_doctypes: linkedDocTypes(ctx, meta),
    is_submittable: meta.isSubmittable ? 1 : 0,
    in_create: 0
  }
}

async function customRows (ctx: ServiceContext, meta: DocTypeMeta): Promise<DocumentRow[]> {
  return await ctx.db.selectFrom(`tab${customDocPermDocType}`).selectAll()
    .where('parent', '=', meta.name).orderBy('permlevel').orderBy('creation').orderBy('name').execute()
}

async function rowsInForce (ctx: ServiceContext, meta: DocTypeMeta): Promise<PermissionRow[]> {
  const custom = await customRows(ctx, meta)
  if (custom.length === 0) return [...meta.permissions].sort((a, b) => a.permlevel - b.permlevel).map((rule) => rowOf(ctx, meta, rule))
  return custom.map((row) => rowOf(ctx, meta, compilePermission(asPermissionRow(row)), String(row.name)))
}

/**
 * Frappe's Role Permission Manager: the rows in force of one DocType, or of one role on every
 * DocType. Editing is below: the first change copies the shipped rows into Custom DocPerm, which
 * from then on replace them, and a reset deletes the copies. Each change is a Custom DocPerm write,
 * so it needs the rights on Custom DocPerm (System Manager's, which cannot be changed) and is in
 * force at once.
 */
export async function permissionRows (ctx: ServiceContext, doctype: string | undefined, role: string | undefined): Promise<PermissionRow[]> {
  const snapshot = await ctx.permissions.current(ctx.db)
  assertMay(snapshot.access(ctx.user, ctx.registry.get(customDocPermDocType)), 'read')
  if (doctype === undefined && role === undefined) throw new ValidationError('Name a doctype, a role, or both')
  const metas = doctype === undefined
    ? ctx.registry.all().filter((meta) => !meta.isTable && meta.name !== customDocPermDocType).sort((a, b) => a.name.localeCompare(b.name))
    : [governedDocType(ctx.registry, doctype)]
  const rows: PermissionRow[] = []
  for (const meta of metas) rows.push(...await rowsInForce(ctx, meta))
  return role === undefined ? rows : rows.filter((row) => row.role === role)
}

/** Copies the shipped rows into Custom DocPerm unless the DocType has custom rows already; whether it did. */
async function customize (ctx: ServiceContext, meta: DocTypeMeta): Promise<boolean> {
  if ((await customRows(ctx, meta)).length > 0) return false
  for (const rule of meta.permissions) await insertDocument(ctx, customDocPermDocType, ruleValues(meta, rule))
  return true
}

/** Runs `change` on the DocType's Custom DocPerm rows, made first if need be, in one transaction. */
async function withCustomRows<T> (ctx: ServiceContext, key: RuleKey, change: (trx: ServiceContext, key: RuleKey, copied: boolean) => Promise<T>): Promise<T> {
  return await inTransaction(ctx.db, async (db) => {
    const trx = { ...ctx, db }
    const meta = governedDocType(trx.registry, key.doctype)
    return await change(trx, { ...key, doctype: meta.name }, await customize(trx, meta))
  })
}

/** The rows a change names; none is a ValidationError, where Frappe silently does nothing. */
async function matchingRows (ctx: ServiceContext, key: RuleKey): Promise<DocumentRow[]> {
  const rows = await findRules(ctx.db, key)
  if (rows.length === 0) throw new ValidationError(`${key.doctype} has no permission row for ${key.role} at level ${key.permlevel}${key.ifOwner ? ' (if owner)' : ''}`)
  return rows
}

/** Frappe's add: a row for the role at the level, with read, unless there is one already. */
export async function addRule (ctx: ServiceContext, key: RuleKey): Promise<void> {
  await withCustomRows(ctx, key, async (trx, rule) => {
    if ((await findRules(trx.db, rule)).length > 0) return
    await insertDocument(trx, customDocPermDocType, { parent: rule.doctype, role: rule.role, permlevel: rule.permlevel, if_owner: rule.ifOwner ? 1 : 0, read: 1 })
  })
}

/**
 * Frappe's update: sets rights (or if_owner) on the role's row at the level; 'refresh' when the
 * shipped rows were copied first. As in Frappe, turning if_owner on clears report.
 */
export async function updateRule (ctx: ServiceContext, key: RuleKey, changes: RuleChanges): Promise<'refresh' | null> {
  return await withCustomRows(ctx, key, async (trx, rule, copied) => {
    const values: Record<string, 0 | 1> = Object.fromEntries(Object.entries(changes).map(([field, value]) => [field, value ? 1 : 0]))
    if (changes.if_owner === true) values.report = 0
    for (const row of await matchingRows(trx, rule)) await updateDocument(trx, customDocPermDocType, String(row.name), values)
    return copied ? 'refresh' : null
  })
}

/** Frappe's remove: deletes the role's rows at the level; a DocType keeps at least one row. */
export async function removeRule (ctx: ServiceContext, key: RuleKey): Promise<void> {
  await withCustomRows(ctx, key, async (trx, rule) => {
    for (const row of await matchingRows(trx, rule)) await deleteDocument(trx, customDocPermDocType, String(row.name))
    const meta = trx.registry.get(rule.doctype)
    if ((await customRows(trx, meta)).length === 0) throw new ValidationError('There must be atleast one permission rule.')
  })
}

/** Frappe's reset: deletes the DocType's Custom DocPerm rows, so that its shipped rows apply again. */
export async function resetRules (ctx: ServiceContext, doctype: string): Promise<void> {
  await inTransaction(ctx.db, async (db) => {
    const trx = { ...ctx, db }
    const meta = governedDocType(trx.registry, doctype)
    assertMay((await trx.permissions.current(db)).access(trx.user, trx.registry.get(customDocPermDocType)), 'delete')
    for (const row of await customRows(trx, meta)) await deleteDocument(trx, customDocPermDocType, String(row.name))
  })
}
