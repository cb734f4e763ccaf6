import { sql, type CompiledQuery, type Expression, type SqlBool } from 'kysely'
import { page } from '../db/pagination.js'
import type { ColumnValue } from '../db/tables.js'
import { DataError, PermissionError, ValidationError } from '../errors.js'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import { toWireValue } from '../meta/field-values.js'
import type { ServiceContext } from './context.js'
import { conditionSql, parseFilters } from './filters.js'
import { parseFields, queryField, type SelectedColumn } from './list-fields.js'
import type { PermissionSnapshot } from './permission-cache.js'
import { assertMay, hasOwnUserRule, listScope, readsField, withShare, type Access, type ListScope } from './permissions.js'
import { sharedForReading } from './shares.js'
import { restrictionSql, restrictionsOn } from './user-permissions.js'
import { countParam, flagParam } from './request-params.js'

/** The list parameters of Frappe's `GET /api/resource/:doctype` and `frappe.client.get_list`. */
export interface ListParams {
  fields?: unknown
  filters?: unknown
  or_filters?: unknown
  order_by?: unknown
  group_by?: unknown
  limit_start?: unknown
  limit_page_length?: unknown
  limit?: unknown
  as_dict?: unknown
  parent?: unknown
}

export type ListRow = Record<string, ColumnValue> | ColumnValue[]

interface Ordering { readonly expression: Expression<unknown>, readonly direction: 'asc' | 'desc' }

/** Which fields a list may show, filter, sort and group by for this user. */
type Visibility = (field: FieldMeta) => boolean

function columnRef (meta: DocTypeMeta, text: string, clause: string, visible: Visibility): Expression<unknown> {
  const field = queryField(meta, text)
  if (field === undefined || !visible(field)) throw new DataError(`Cannot use ${text} in ${clause}: it is not a field of ${meta.name} you may read`)
  return sql.ref(`${meta.table}.${field.fieldname}`)
}

/**
 * `order_by` as Frappe takes it: `field [asc|desc]` items, comma-separated, where a field may also
 * be an alias from `fields`; nothing else. Without it, the DocType's sort, then `name` so that
 * pages never overlap.
 */
function parseOrderBy (meta: DocTypeMeta, raw: unknown, columns: readonly SelectedColumn[], visible: Visibility): Ordering[] {
  const text = typeof raw === 'string' ? raw.trim() : ''
  const items = text === '' ? [`${meta.sortField} ${meta.sortOrder}`, ...(meta.sortField === 'name' ? [] : [`name ${meta.sortOrder}`])] : text.split(',')
  return items.map((item) => {
    const match = /^\s*(\S+?)(?:\s+(asc|desc))?\s*$/i.exec(item)
    if (match === null) throw new DataError(`Cannot order by "${item.trim()}": use "field asc" or "field desc"`)
    const name = match[1] ?? ''
    const direction = (match[2] ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc'
    const alias = columns.findIndex((c) => c.key === name && !meta.fieldsByName.has(name))
    const isDefault = text === ''
    return { expression: alias === -1 ? columnRef(meta, name, 'order by', isDefault ? () => true : visible) : sql.ref(`c${alias}`), direction }
  })
}

/** The DocType whose permissions govern a list: a child table's rows follow their parent's. */
function governingDocType (ctx: ServiceContext, meta: DocTypeMeta, parent: unknown): DocTypeMeta {
  if (!meta.isTable) return meta
  const parentMeta = typeof parent === 'string' && parent !== '' ? ctx.registry.find(parent) : undefined
  if (parentMeta === undefined || !parentMeta.tables.some((table) => table.options === meta.name)) {
    throw new PermissionError(`${meta.name} is a child table: list it with parent=<the DocType holding it>`)
  }
  return parentMeta
}

/**
 * The fields of the list the user may see, filter, sort and group by: those at permlevels they can
 * read (others are left out of `fields` silently, as Frappe leaves them), or, with only the select
 * right, `name` and the DocType's search fields; with no right but shares, the level-0 fields. In
 * a child table list, the parent's Table field must be readable as well.
 */
function visibility (meta: DocTypeMeta, access: Access, scope: ListScope): Visibility {
  if (scope.rows === 'none') return (field) => readsField(withShare(access, false), field)
  if (hasOwnUserRule(access) && scope.rows !== 'all') return (field) => field.permlevel === 0
  if (!scope.selectOnly) return (field) => readsField(access, field)
  return (field) => field.fieldname === 'name' || (field.permlevel === 0 && meta.searchFields.includes(field.fieldname))
}

/** A child table at a permlevel the user cannot read is closed to them, rows and filters alike. */
function assertTableReadable (access: Access, parent: DocTypeMeta, child: DocTypeMeta): void {
  const readable = parent.tables.some((table) => table.options === child.name && readsField(access, table))
  if (!readable) throw new PermissionError(`The ${child.name} rows of ${parent.name} are at a permlevel ${access.user.name} may not read`, { errorMessage: `No permission for ${child.name}` })
}

/**
 * The rows the user may list, as one SQL condition (or none for every row): by their roles, all
 * rows within their User Permissions or (as Frappe lists them) their own rows whatever the User
 * Permissions, or shared with them. A child table's rows follow their parent document.
 */
async function rowCondition (ctx: ServiceContext, snapshot: PermissionSnapshot, meta: DocTypeMeta, access: Access, scope: ListScope): Promise<Expression<SqlBool> | undefined> {
  const permissions = scope.rows === 'own' ? new Map() : await snapshot.userPermissions(ctx.db, ctx.user)
  const restricted = restrictionSql(restrictionsOn(permissions, meta, access.meta), meta)
  if (meta.isTable) {
    const parentRestrictions = restrictionSql(restrictionsOn(permissions, access.meta), access.meta)
    if (parentRestrictions.length > 0) {
      restricted.push(sql<SqlBool>`${sql.ref(`${meta.table}.parent`)} in (select name from ${sql.table(access.meta.table)} where ${sql.join(parentRestrictions, sql` and `)})`)
    }
  }
  if (scope.rows === 'own') restricted.push(sql<SqlBool>`${sql.ref(`${meta.table}.owner`)} = ${ctx.user.name}`)
  const shared = sharedForReading(ctx.registry, ctx.user, meta, access.meta)
  if (scope.rows === 'all' && restricted.length === 0) return undefined
  const byRoles = scope.rows === 'none' ? [] : [restricted.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(${sql.join(restricted, sql` and `)})`]
  const ownUser = hasOwnUserRule(access) && scope.rows !== 'all' ? [sql<SqlBool>`${sql.ref(`${meta.table}.name`)} = ${ctx.user.name}`] : []
  const conditions = [...byRoles, ...ownUser, ...(shared === undefined ? [] : [shared])]
  return conditions.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(conditions, sql` or `)})`
}

function wireValue (column: SelectedColumn, value: ColumnValue | undefined): ColumnValue {
  if (value === undefined || value === null) return null
  return column.field === undefined ? value : toWireValue(column.field, value)
}

/** A row as Frappe sends it: keyed by field, or (as_dict=0) the values in order. */
function wireRow (columns: readonly SelectedColumn[], row: Record<string, ColumnValue>, asDict: boolean): ListRow {
  if (!asDict) return columns.map((column, index) => wireValue(column, row[`c${index}`]))
  const out: Record<string, ColumnValue> = {}
  for (const [index, column] of columns.entries()) out[column.key] = wireValue(column, row[`c${index}`])
  return out
}

/** A list as it runs: its SQL, and how its rows become Frappe's. */
interface ListPlan {
  readonly query: CompiledQuery
  readonly columns: readonly SelectedColumn[]
  readonly asDict: boolean
}

/**
 * Lists planned for one user's access to a DocType, by their parameters: a client paging or
 * polling skips parsing and query building. Plans go with the access they were made for, so any
 * change bearing on permissions (which makes new access) makes new plans.
 */
const plans = new WeakMap<Access, Map<string, ListPlan>>()
const plansPerAccess = 200

/**
 * Frappe's list: the requested fields of the rows that match `filters` and any of `or_filters`,
 * in `order_by` order (the DocType's sort when absent), one page at a time.
 */
export async function listDocuments (ctx: ServiceContext, doctype: string, params: ListParams): Promise<ListRow[]> {
  const meta = ctx.registry.get(doctype)
  if (meta.isSingle) throw new ValidationError(`${meta.name} is a Single DocType: read its one document at /api/resource/${meta.name}/${meta.name}`)
  const snapshot = await ctx.permissions.current(ctx.db)
  const access = snapshot.access(ctx.user, governingDocType(ctx, meta, params.parent))
  if (meta.isTable) assertTableReadable(access, access.meta, meta)
  const scope = listScope(access)
  if (scope.rows === 'none' && !hasOwnUserRule(access) && !await snapshot.hasSharedDocuments(ctx.db, ctx.user, access.meta)) assertMay(access, 'read')
  const key = JSON.stringify([meta.name, params.fields, params.filters, params.or_filters, params.order_by, params.group_by, params.limit_start, params.limit_page_length, params.limit, params.as_dict])
  let kept = plans.get(access)
  let plan = kept?.get(key)
  if (plan === undefined) {
    const made = await planList(ctx, snapshot, meta, access, scope, params)
    if (made === undefined) return []
    plan = made
    if (kept === undefined) {
      kept = new Map()
      plans.set(access, kept)
    }
    if (kept.size >= plansPerAccess) kept.clear()
    kept.set(key, plan)
  }
  const { query, columns, asDict } = plan
  const found = await ctx.db.executeQuery<Record<string, ColumnValue>>(query)
  return found.rows.map((row) => wireRow(columns, row, asDict))
}

/** Parses the list parameters and builds the query; undefined when no field asked for may be shown. */
async function planList (
  ctx: ServiceContext, snapshot: PermissionSnapshot, meta: DocTypeMeta, access: Access, scope: ListScope, params: ListParams
): Promise<ListPlan | undefined> {
  const visible = visibility(meta, access, scope)
  const columns = parseFields(meta, params.fields).filter(({ argument }) => argument === undefined || visible(argument))
  const filters = parseFilters(ctx.registry, meta, 'filters', params.filters)
  const orFilters = parseFilters(ctx.registry, meta, 'or_filters', params.or_filters)
  for (const condition of [...filters, ...orFilters]) {
    if (condition.meta !== meta) assertTableReadable(access, meta, condition.meta)
    if (!visible(condition.field)) throw new DataError(`Field not permitted in query: ${condition.field.fieldname}`)
  }
  if (columns.length === 0) return undefined
  const aggregated = columns.some((c) => c.aggregate) && (params.order_by === undefined || params.order_by === '')
  const ordering = aggregated ? [] : parseOrderBy(meta, params.order_by, columns, visible)
  const groupBy = typeof params.group_by === 'string' && params.group_by.trim() !== ''
    ? params.group_by.split(',').map((item) => columnRef(meta, item.trim(), 'group by', visible))
    : []
  const start = countParam('limit_start', params.limit_start, 0)
  const pageLengthGiven = params.limit_page_length !== undefined && params.limit_page_length !== ''
  const pageLength = pageLengthGiven ? countParam('limit_page_length', params.limit_page_length, 20) : countParam('limit', params.limit, 20)
  const asDict = flagParam('as_dict', params.as_dict, true)

  let query = ctx.db.selectFrom(meta.table)
    .select(columns.map((c, index) => sql`${c.expression}`.as(`c${index}`)))
  if (meta.isTable) query = query.where(sql<SqlBool>`${sql.ref(`${meta.table}.parenttype`)} = ${access.meta.name}`)
  const rows = await rowCondition(ctx, snapshot, meta, access, scope)
  if (rows !== undefined) query = query.where(rows)
  for (const condition of filters) query = query.where(conditionSql(meta, condition))
  if (orFilters.length > 0) query = query.where((eb) => eb.or(orFilters.map((condition) => conditionSql(meta, condition))))
  if (groupBy.length > 0) query = query.groupBy(groupBy)
  for (const { expression, direction } of ordering) query = query.orderBy(expression, direction)
  return { query: page(query, start, pageLength).compile(), columns, asDict }
}
