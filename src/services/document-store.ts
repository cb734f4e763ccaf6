import { CompiledQuery } from 'kysely'
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

/**
 * The SQL of the reads every request makes, built by Kysely once per DocType and kept: building a
 * query costs more than running one of these.
 */
const rowSql = new WeakMap<DocTypeMeta, string>()
const childSql = new WeakMap<DocTypeMeta, string>()

function keptSql (kept: WeakMap<DocTypeMeta, string>, meta: DocTypeMeta, build: () => { sql: string }): string {
  let text = kept.get(meta)
  if (text === undefined) {
    text = build().sql
    kept.set(meta, text)
  }
  return text
}

export async function readRow (db: Db, meta: DocTypeMeta, name: string): Promise<DocumentRow | undefined> {
  if (meta.isSingle) return await readSingleRow(db, meta, name)
  const text = keptSql(rowSql, meta, () => db.selectFrom(meta.table).selectAll().where('name', '=', '').compile())
  return (await db.executeQuery<DocumentRow>(CompiledQuery.raw(text, [name]))).rows[0]
}

async function readChildren (db: Db, registry: MetaRegistry, meta: DocTypeMeta, parent: string): Promise<Map<string, DocumentRow[]>> {
  const children = new Map<string, DocumentRow[]>()
  for (const table of meta.tables) {
    const child = registry.get(table.options)
    const text = keptSql(childSql, child, () => db.selectFrom(child.table).selectAll()
      .where('parent', '=', '').where('parenttype', '=', '').where('parentfield', '=', '').orderBy('idx').compile())
    children.set(table.fieldname, (await db.executeQuery<DocumentRow>(CompiledQuery.raw(text, [parent, meta.name, table.fieldname]))).rows)
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
