import type { ColumnValue, Db, DocumentRow } from '../db/tables.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import { numericKinds } from '../meta/field-types.js'

/**
 * A Single DocType has one document, named after the DocType, whose values live in
 * `tabSingles` as (doctype, field, value) text triples, as in Frappe.
 */
export async function readSingleRow (db: Db, meta: DocTypeMeta, name: string): Promise<DocumentRow | undefined> {
  if (name.toLowerCase() !== meta.name.toLowerCase()) return undefined
  const stored = await db.selectFrom('tabSingles').select(['field', 'value']).where('doctype', '=', meta.name).execute()
  const values = new Map(stored.map((row) => [row.field, row.value]))
  const row: DocumentRow = {}
  for (const field of meta.columns) {
    const value = values.get(field.fieldname) ?? null
    row[field.fieldname] = numericKinds.has(field.storage) ? Number(value ?? 0) : value
  }
  return { ...row, name: meta.name, docstatus: 0, idx: 0 }
}

export async function writeSingleRow (db: Db, meta: DocTypeMeta, row: Readonly<DocumentRow>): Promise<void> {
  await db.deleteFrom('tabSingles').where('doctype', '=', meta.name).execute()
  const triples = meta.columns
    .filter((field) => !['name', 'docstatus', 'idx'].includes(field.fieldname))
    .map((field) => ({ doctype: meta.name, field: field.fieldname, value: text(row[field.fieldname] ?? null) }))
  await db.insertInto('tabSingles').values(triples).execute()
}

function text (value: ColumnValue): string | null {
  return value === null ? null : String(value)
}
