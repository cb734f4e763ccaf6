import type { Db, DocumentRow } from '../db/tables.js'
import { ValidationError } from '../errors.js'
import { rights, type DocPermDefinition } from '../meta/definition.js'
import { compilePermission, type DocTypeMeta, type PermissionRule } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'

/**
 * Frappe's Custom DocPerm: permission rows kept in the database. Once a DocType has any, they
 * replace the rows it was shipped with, entirely.
 */
export const customDocPermDocType = 'Custom DocPerm'

/**
 * DocTypes whose shipped rows always apply, as Frappe keeps them for DocType and DocPerm: rows
 * that governed Custom DocPerm itself could hand out the right to edit every permission.
 */
const fixedDocTypes: ReadonlySet<string> = new Set([customDocPermDocType])

/** The DocType whose permission rows may be edited, or a ValidationError saying why not. */
export function governedDocType (registry: MetaRegistry, doctype: string): DocTypeMeta {
  const meta = registry.get(doctype)
  if (meta.isTable) throw new ValidationError(`${meta.name} is a child table: its rows follow the permissions of the DocType that holds them`)
  if (fixedDocTypes.has(meta.name)) throw new ValidationError(`The permission rows of ${meta.name} cannot be changed: they stay with System Manager`)
  return meta
}

function flag (value: DocumentRow[string] | undefined): 0 | 1 {
  return Number(value) === 1 ? 1 : 0
}

/** A stored Custom DocPerm row as a definition's permission row. */
export function asPermissionRow (row: DocumentRow): DocPermDefinition & { permlevel: number, if_owner: 0 | 1 } {
  return {
    role: String(row.role),
    permlevel: Number(row.permlevel ?? 0),
    if_owner: flag(row.if_owner),
    ...Object.fromEntries(rights.map((right) => [right, flag(row[right])]))
  }
}

/** The Custom DocPerm rows of every DocType that has any, as permission rules. */
export async function loadCustomRules (db: Db, registry: MetaRegistry): Promise<ReadonlyMap<string, readonly PermissionRule[]>> {
  const rules = new Map<string, PermissionRule[]>()
  if (registry.find(customDocPermDocType) === undefined) return rules
  const rows = await db.selectFrom(`tab${customDocPermDocType}`).selectAll().orderBy('creation').orderBy('name').execute()
  for (const row of rows) {
    const doctype = String(row.parent)
    if (fixedDocTypes.has(doctype)) continue
    rules.set(doctype, [...(rules.get(doctype) ?? []), compilePermission(asPermissionRow(row))])
  }
  return rules
}

/** Which row of a DocType a permission row is: Frappe keys them by role, level and if_owner. */
export interface RuleKey {
  readonly doctype: string
  readonly role: string
  readonly permlevel: number
  readonly ifOwner: boolean
}

/** The Custom DocPerm rows matching the key, but the one named `except`. */
export async function findRules (db: Db, key: RuleKey, except?: string): Promise<DocumentRow[]> {
  let query = db.selectFrom(`tab${customDocPermDocType}`).selectAll()
    .where('parent', '=', key.doctype).where('role', '=', key.role)
    .where('permlevel', '=', key.permlevel).where('if_owner', '=', key.ifOwner ? 1 : 0)
  if (except !== undefined) query = query.where('name', '!=', except)
  return await query.execute()
}

/** What Frappe checks of a permission row: a level from 0 to 9, a DocType it may govern, one row per role, level and if_owner. */
export async function validateCustomDocPerm (db: Db, registry: MetaRegistry, row: DocumentRow): Promise<void> {
  const permlevel = Number(row.permlevel ?? 0)
  if (!Number.isInteger(permlevel) || permlevel < 0 || permlevel > 9) throw new ValidationError(`Level (permlevel) must be a whole number from 0 to 9, not ${String(row.permlevel)}`)
  const meta = governedDocType(registry, String(row.parent))
  const { role, if_owner: ifOwner } = asPermissionRow(row)
  if (ifOwner === 1 && flag(row.report) === 1) throw new ValidationError('Cannot set \'Report\' permission if \'Only If Creator\' permission is set')
  const twins = await findRules(db, { doctype: meta.name, role, permlevel, ifOwner: ifOwner === 1 }, String(row.name))
  if (twins.length > 0) {
    throw new ValidationError(`${meta.name} already has a permission row for ${role} at level ${permlevel}${ifOwner === 1 ? ' (if owner)' : ''}: change that one`)
  }
}
