import type { Db, DocumentRow } from '../db/tables.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import { toWireValue } from '../meta/field-values.js'
import type { MetaRegistry } from '../meta/registry.js'
import { everyField, type FieldFilter } from './document-values.js'
import { readSingleRow } from './single-store.js'

/** A stored document: its own row and, per Table field, its child rows in `idx` order. */
export interface StoredDocument {
  readonly row: DocumentRow
  readonly children: ReadonlyMap<string, readonly DocumentRow[]>
}

export type WireDocument = Record<string, unknown>

export async function readRow (db: Db, meta: DocTypeMeta, name: string): Promise<DocumentRow | undefined> {
  if (meta.isSingle) return await readSingleRow(db, meta, name)
  return await db.selectFrom(meta.table).selectAll().where('name', '=', name).executeTakeFirst()
}

async function readChildren (db: Db, registry: MetaRegistry, meta: DocTypeMeta, parent: string): Promise<Map<string, DocumentRow[]>> {
  const children = new Map<string, DocumentRow[]>()
  for (const table of meta.tables) {
    const child = registry.get(table.options)
    const rows = await db.selectFrom(child.table).selectAll()
      .where('parent', '=', parent)
      .where('parenttype', '=', meta.name)
      .where('parentfield', '=', table.fieldname)
      .orderBy('idx')
      .execute()
    children.set(table.fieldname, rows)
  }
  return children
}

export async function readDocument (db: Db, registry: MetaRegistry, meta: DocTypeMeta, name: string): Promise<StoredDocument | undefined> {
  const row = await readRow(db, meta, name)
  if (row === undefined) return undefined
  return { row, children: await readChildren(db, registry, meta, String(row.name)) }
}

function wireFields (meta: DocTypeMeta, row: DocumentRow, readable: FieldFilter): WireDocument {
  const out: WireDocument = {}
  for (const field of meta.columns) {
    if (!readable(field)) continue
    const value = toWireValue(field, row[field.fieldname] ?? null)
    if (value === null) continue
    out[field.fieldname] = value
  }
  return out
}

/**
 * A document as Frappe sends one: standard fields, own fields, child tables, then `doctype`.
 * Keys whose value is null are left out, as Frappe's `as_dict` leaves them out, and so are the
 * fields the user may not read.
 */
export function toWireDocument (registry: MetaRegistry, meta: DocTypeMeta, document: StoredDocument, readable: FieldFilter = everyField): WireDocument {
  const out = wireFields(meta, document.row, readable)
  for (const table of meta.tables) {
    if (!readable(table)) continue
    const child = registry.get(table.options)
    out[table.fieldname] = (document.children.get(table.fieldname) ?? []).map((row) => ({ ...wireFields(child, row, readable), doctype: child.name }))
  }
  out.doctype = meta.name
  return out
}
