import { sql, type ColumnDataType, type ColumnDefinitionBuilder } from 'kysely'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'
import type { Progress } from '../progress.js'
import { caseInsensitive, withChildColumns, withStandardColumns } from './columns.js'
import type { Db } from './tables.js'

interface ColumnShape {
  type: ColumnDataType
  define: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder
}

/** The column for a field; numbers are NOT NULL DEFAULT 0, as Frappe declares them. */
function columnShape (field: FieldMeta): ColumnShape {
  switch (field.storage) {
    case 'int':
    case 'check': {
      const fallback = Number.parseInt(String(field.default ?? 0), 10)
      return { type: 'integer', define: (c) => c.notNull().defaultTo(Number.isNaN(fallback) ? 0 : fallback) }
    }
    case 'float':
    case 'rating':
      return { type: 'real', define: (c) => c.notNull().defaultTo(0) }
    case 'varchar':
    case 'text':
      return { type: 'text', define: caseInsensitive }
    default:
      return { type: 'text', define: (c) => c }
  }
}

function indexName (meta: DocTypeMeta, column: string): string {
  return `${meta.table}_${column}`
}

async function createTable (db: Db, meta: DocTypeMeta): Promise<void> {
  let table = withStandardColumns(db.schema.createTable(meta.table).ifNotExists())
  if (meta.isTable) table = withChildColumns(table)
  for (const field of meta.columns) {
    if (field.standard) continue
    const shape = columnShape(field)
    table = table.addColumn(field.fieldname, shape.type, shape.define)
  }
  await table.execute()
}

/** Adds the columns the table lacks; one that another process added meanwhile is taken as done. */
async function addMissingColumns (db: Db, meta: DocTypeMeta, existing: ReadonlySet<string>): Promise<void> {
  for (const field of meta.columns) {
    if (existing.has(field.fieldname)) continue
    const shape = columnShape(field)
    try {
      await db.schema.alterTable(meta.table).addColumn(field.fieldname, shape.type, shape.define).execute()
    } catch (error) {
      if (!(error instanceof Error) || !/duplicate column name/i.test(error.message)) throw error
    }
  }
}

/**
 * Indexes Frappe keeps: unique fields, the fields lists are filtered by, the sort field and a
 * child's parent. Each non-unique index ends with the sort field and `name`, the default list
 * order, so that a page of a filtered list is read from the index in order: with the field alone,
 * SQLite fetches every match and sorts them for each page (13 ms at 100,000 rows, and growing).
 */
async function createIndexes (db: Db, meta: DocTypeMeta): Promise<void> {
  const defaultOrder = meta.sortField === 'name' ? ['name'] : [meta.sortField, 'name']
  for (const field of meta.columns) {
    if (field.unique) {
      await db.schema.createIndex(indexName(meta, field.fieldname)).unique().ifNotExists().on(meta.table).column(field.fieldname).execute()
    } else if ((field.indexed || field.fieldname === meta.sortField) && field.fieldname !== 'name') {
      const columns = [field.fieldname, ...defaultOrder.filter((column) => column !== field.fieldname)]
      await db.schema.createIndex(indexName(meta, columns.join('_'))).ifNotExists().on(meta.table).columns(columns).execute()
      // The index of earlier versions, on the field alone: the one above serves all it did.
      await db.schema.dropIndex(indexName(meta, field.fieldname)).ifExists().execute()
    }
  }
  if (meta.isTable) {
    await db.schema.createIndex(indexName(meta, 'parent')).ifNotExists().on(meta.table).column('parent').execute()
  }
}

/**
 * Brings each DocType's table in line with its definition: a new DocType gets its table, a new
 * field its column. Columns of removed fields are kept, so that no data is lost. Single DocTypes
 * have no table: their values live in tabSingles.
 */
export async function syncDocTypeTables (db: Db, registry: MetaRegistry, progress: Progress = () => {}): Promise<void> {
  const tables = await db.introspection.getTables()
  const columnsByTable = new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]))
  const metas = registry.all()
  await db.transaction().execute(async (trx) => {
    for (const [index, meta] of metas.entries()) {
      progress('Syncing DocType tables', index + 1, metas.length)
      if (meta.isSingle) continue
      const existing = columnsByTable.get(meta.table)
      if (existing === undefined) await createTable(trx, meta)
      else await addMissingColumns(trx, meta, existing)
      await createIndexes(trx, meta)
    }
  })
  await sql`pragma optimize`.execute(db)
}
