import type { Db, DocumentRow } from '../db/tables.js'
import { ValidationError } from '../errors.js'
import { rights, type DocPermDefinition } from '../meta/definition.js'
import { compilePermission, type PermissionRule } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'

/**
 * Frappe's Custom DocPerm: permission rows kept in the database. Once a DocType has any, they
 * replace the rows it was shipped with, entirely.
 */
export const customDocPermDocType = 'Custom DocPerm'

function flag (value: DocumentRow[string] | undefined): 0 | 1 {
  return Number(value) === 1 ? 1 : 0
}

/** A stored Custom DocPerm row as a definition's permission row. */
export function asPermissionRow (row: DocumentRow): DocPermDefinition {
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
    rules.set(doctype, [...(rules.get(doctype) ?? []), compilePermission(asPermissionRow(row))])
  }
  return rules
}

/** What Frappe checks of a permission row, and that it names a DocType whose documents it can govern. */
export function validateCustomDocPerm (registry: MetaRegistry, row: DocumentRow): void {
  const permlevel = Number(row.permlevel ?? 0)
  if (!Number.isInteger(permlevel) || permlevel < 0 || permlevel > 9) throw new ValidationError(`Level (permlevel) must be a whole number from 0 to 9, not ${String(row.permlevel)}`)
  const meta = registry.get(String(row.parent))
  if (meta.isTable) throw new ValidationError(`${meta.name} is a child table: its rows follow the permissions of the DocType that holds them`)
}
