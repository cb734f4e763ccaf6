import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder } from 'kysely'

/**
 * Dialect-specific column details live here. Text compares case-insensitively, as it does under
 * Frappe's MariaDB collation: equal names, `in` and ordering ignore letter case.
 */
export function caseInsensitive (column: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  return column.modifyEnd(sql`collate nocase`)
}

/** Adds Frappe's standard columns to a new `tab<DocType>` table. */
export function withStandardColumns<T extends string> (table: CreateTableBuilder<T>): CreateTableBuilder<T> {
  return table
    .addColumn('name', 'text', (c) => caseInsensitive(c.primaryKey()))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('creation', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull())
    .addColumn('docstatus', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idx', 'integer', (c) => c.notNull().defaultTo(0))
}

/** Adds the parent pointer of a child-table row. */
export function withChildColumns<T extends string> (table: CreateTableBuilder<T>): CreateTableBuilder<T> {
  return table
    .addColumn('parent', 'text', caseInsensitive)
    .addColumn('parentfield', 'text')
    .addColumn('parenttype', 'text')
}
