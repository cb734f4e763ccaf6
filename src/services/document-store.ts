import { CompiledQuery } from 'kysely'
import type { ColumnValue, Db, DocumentRow } from '../db/tables.js'
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
 * The SQL of the reads and writes every request makes, built by Kysely once per DocType (and, for
 * writes, per set of columns) and kept: building a query costs more than running one of these.
 */
const keptStatements = new WeakMap<DocTypeMeta, Map<string, string>>()
const shapesPerDocType = 100

function keptSql (meta: DocTypeMeta, shape: string, build: () => { sql: string }): string {
  let byShape = keptStatements.get(meta)
  if (byShape === undefined) {
    byShape = new Map()
    keptStatements.set(meta, byShape)
  }
  let text = byShape.get(shape)
  if (text === undefined) {
    if (byShape.size >= shapesPerDocType) byShape.clear()
    text = build().sql
    byShape.set(shape, text)
  }
  return text
}

/** Runs kept SQL; `values` in the order the SQL was built with. */
async function runKept<R> (db: Db, text: string, values: ColumnValue[]): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(text, values))).rows
}

/** Each value as a parameter placeholder: Kysely builds the SQL, the values come at each run. */
function placeholders (columns: readonly string[]): Record<string, ColumnValue> {
  return Object.fromEntries(columns.map((column) => [column, null]))
}

export async function readRow (db: Db, meta: DocTypeMeta, name: string): Promise<DocumentRow | undefined> {
  if (meta.isSingle) return await readSingleRow(db, meta, name)
  const text = keptSql(meta, 'read', () => db.selectFrom(meta.table).selectAll().where('name', '=', '').compile())
  return (await runKept<DocumentRow>(db, text, [name]))[0]
}

/** Inserts one row of `meta`'s table: the columns `values` holds. */
export async function insertRow (db: Db, meta: DocTypeMeta, values: Readonly<Record<string, ColumnValue>>): Promise<void> {
  const columns = Object.keys(values)
  const text = keptSql(meta, `insert ${columns.join(',')}`, () => db.insertInto(meta.table).values(placeholders(columns)).compile())
  await runKept(db, text, columns.map((column) => values[column] ?? null))
}

/** Sets the columns `values` holds on the row named `name`. */
export async function updateRow (db: Db, meta: DocTypeMeta, name: string, values: Readonly<Record<string, ColumnValue>>): Promise<void> {
  const columns = Object.keys(values)
  const text = keptSql(meta, `update ${columns.join(',')}`, () => db.updateTable(meta.table).set(placeholders(columns)).where('name', '=', '').compile())
  await runKept(db, text, [...columns.map((column) => values[column] ?? null), name])
}

async function readChildren (db: Db, registry: MetaRegistry, meta: DocTypeMeta, parent: string): Promise<Map<string, DocumentRow[]>> {
  const children = new Map<string, DocumentRow[]>()
  for (const table of meta.tables) {
    const child = registry.get(table.options)
    const text = keptSql(child, 'children', () => db.selectFrom(child.table).selectAll()
      .where('parent', '=', '').where('parenttype', '=', '').where('parentfield', '=', '').orderBy('idx').compile())
    children.set(table.fieldname, await runKept<DocumentRow>(db, text, [parent, meta.name, table.fieldname]))
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
