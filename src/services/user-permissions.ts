import { sql, type Expression, type SqlBool } from 'kysely'
import type { Db, DocumentRow } from '../db/tables.js'
import { PermissionError } from '../errors.js'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'
import type { RequestUser } from './users.js'

/**
 * Frappe's User Permissions: rows that allow a user only some documents of a DocType ("only
 * Territory India"). They restrict that DocType's own documents and every Link field pointing at
 * it (unless the field ignores user permissions), in reads, lists and writes alike.
 */
export const userPermissionDocType = 'User Permission'

interface AllowedValue {
  readonly value: string
  readonly applicableFor: string | null
  readonly isDefault: boolean
}

/** A user's User Permission rows, by the DocType they restrict. */
export type UserPermissions = ReadonlyMap<string, readonly AllowedValue[]>

/** One restriction on the documents of a DocType: the name, or a Link field, within a set. */
export interface Restriction {
  readonly field: FieldMeta
  readonly restricted: string
  /** Lower-cased, as names compare regardless of letter case. */
  readonly allowed: ReadonlySet<string>
}

/** The nodes below `roots` in a tree DocType, found through each node's parent field. */
async function descendantsOf (db: Db, tree: DocTypeMeta, parentField: FieldMeta, roots: readonly string[]): Promise<string[]> {
  const table = sql.table(tree.table)
  const rows = await sql<{ name: string }>`with recursive subtree(name) as (
    select name from ${table} where ${sql.ref('name')} in (${sql.join(roots)})
    union
    select node.name from ${table} as node join subtree on ${sql.ref(`node.${parentField.fieldname}`)} = subtree.name
  ) select name from subtree`.execute(db)
  return rows.rows.map((row) => row.name)
}

/**
 * A user's User Permission rows. On a tree DocType (Territory, Customer Group) a row allows the
 * node and every node below it, unless it is marked hide_descendants, as in Frappe.
 */
export async function loadUserPermissions (db: Db, registry: MetaRegistry, user: RequestUser): Promise<UserPermissions> {
  const permissions = new Map<string, AllowedValue[]>()
  if (user.isAdministrator || user.isGuest || registry.find(userPermissionDocType) === undefined) return permissions
  const rows = await db.selectFrom(`tab${userPermissionDocType}`)
    .select(['allow', 'for_value', 'apply_to_all_doctypes', 'applicable_for', 'hide_descendants', 'is_default'])
    .where('user', '=', user.name).execute()
  for (const row of rows) {
    const allow = String(row.allow)
    const applicableFor = Number(row.apply_to_all_doctypes) === 1 ? null : String(row.applicable_for ?? '')
    const isDefault = Number(row.is_default) === 1
    const tree = registry.find(allow)
    const forValue = String(row.for_value)
    const values = tree?.treeParentField !== undefined && Number(row.hide_descendants) !== 1
      ? new Set([forValue, ...await descendantsOf(db, tree, tree.treeParentField, [forValue])])
      : [forValue]
    permissions.set(allow, [...(permissions.get(allow) ?? []), ...[...values].map((value) => ({ value, applicableFor, isDefault: isDefault && value === forValue }))])
  }
  return permissions
}

/** The values of `restricted` allowed where `doctype` is read or written; undefined for all. */
function allowedValues (permissions: UserPermissions, restricted: string, doctype: string): ReadonlySet<string> | undefined {
  const rows = (permissions.get(restricted) ?? []).filter((row) => row.applicableFor === null || row.applicableFor === doctype)
  return rows.length === 0 ? undefined : new Set(rows.map((row) => row.value.toLowerCase()))
}

/**
 * The values a new document of `meta` gets in the Link fields its sender left empty, as Frappe
 * fills them: the allowed value marked is_default, or the only one the user has.
 */
export function defaultLinkValues (permissions: UserPermissions, meta: DocTypeMeta): Map<string, string> {
  const defaults = new Map<string, string>()
  for (const field of meta.columns) {
    if (field.fieldtype !== 'Link' || field.ignoreUserPermissions || field.options === 'User') continue
    const rows = permissions.get(field.options) ?? []
    const chosen = rows.find((row) => (row.isDefault || rows.length === 1) && (row.applicableFor === null || row.applicableFor === meta.name))
    if (chosen !== undefined) defaults.set(field.fieldname, chosen.value)
  }
  return defaults
}

/** The restrictions on documents of `meta`, whose permissions `governing` (a child's parent) holds. */
export function restrictionsOn (permissions: UserPermissions, meta: DocTypeMeta, governing: DocTypeMeta = meta): Restriction[] {
  if (permissions.size === 0) return []
  const restrictions: Restriction[] = []
  const own = meta.isTable ? undefined : allowedValues(permissions, meta.name, governing.name)
  const name = meta.fieldsByName.get('name')
  if (own !== undefined && name !== undefined) restrictions.push({ field: name, restricted: meta.name, allowed: own })
  for (const field of meta.columns) {
    if (field.fieldtype !== 'Link' || field.ignoreUserPermissions) continue
    const allowed = allowedValues(permissions, field.options, governing.name)
    if (allowed !== undefined) restrictions.push({ field, restricted: field.options, allowed })
  }
  return restrictions
}

/**
 * The first value of a row that its restrictions do not allow; empty links pass, as in Frappe.
 * With the row as stored, only the values being changed must be allowed.
 */
export function firstForbidden (restrictions: readonly Restriction[], row: DocumentRow, stored?: DocumentRow): { restriction: Restriction, value: string } | undefined {
  for (const restriction of restrictions) {
    const value = row[restriction.field.fieldname]
    if (value === null || value === undefined || value === '') continue
    const text = String(value).toLowerCase()
    if (stored !== undefined && String(stored[restriction.field.fieldname] ?? '').toLowerCase() === text) continue
    if (!restriction.allowed.has(text)) return { restriction, value: String(value) }
  }
  return undefined
}

export function forbiddenValue (user: RequestUser, meta: DocTypeMeta, found: { restriction: Restriction, value: string }): PermissionError {
  const { restriction, value } = found
  const where = restriction.field.fieldname === 'name' ? `${meta.name} ${value}` : `${restriction.field.label} ${value} (${restriction.restricted})`
  return new PermissionError(`Not allowed for ${restriction.restricted}: ${value}`, {
    serverMessages: [{ message: `User <strong>${user.name}</strong> does not have access to ${where}: their User Permissions on ${restriction.restricted} allow only ${[...restriction.allowed].join(', ')}.`, title: 'Message' }],
    errorMessage: `Not allowed for ${restriction.restricted}: ${value}`,
    details: { permission: { doctype: meta.name, user: user.name, user_permission: { allow: restriction.restricted, field: restriction.field.fieldname, value } } }
  })
}

/** The restrictions as SQL, AND-ed into a list so that pages hold only allowed rows. */
export function restrictionSql (restrictions: readonly Restriction[], meta: DocTypeMeta): Expression<SqlBool>[] {
  return restrictions.map(({ field, allowed }) => {
    const column = sql.ref(`${meta.table}.${field.fieldname}`)
    const values = [...allowed]
    return sql<SqlBool>`(${column} is null or ${column} = '' or ${column} in (${sql.join(values)}))`
  })
}
