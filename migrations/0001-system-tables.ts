import type { Kysely } from 'kysely'
import { caseInsensitive, withChildColumns, withStandardColumns } from '../src/db/columns.js'

/**
 * Users, roles and their link, in Frappe's own tables so that Link fields can point at them;
 * name counters, Single DocTypes' values, API keys and password hashes.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await withStandardColumns(db.schema.createTable('tabUser'))
    .addColumn('email', 'text', (c) => caseInsensitive(c.notNull().unique()))
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('full_name', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('user_type', 'text', (c) => c.notNull().defaultTo('System User'))
    .execute()

  await withStandardColumns(db.schema.createTable('tabRole'))
    .addColumn('role_name', 'text', (c) => caseInsensitive(c.notNull()))
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('desk_access', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()

  await withChildColumns(withStandardColumns(db.schema.createTable('tabHas Role')))
    .addColumn('role', 'text', caseInsensitive)
    .execute()
  await db.schema.createIndex('tabHas Role_parent').on('tabHas Role').column('parent').execute()

  await db.schema.createTable('tabSeries')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('current', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema.createTable('tabSingles')
    .addColumn('doctype', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addPrimaryKeyConstraint('tabSingles_pk', ['doctype', 'field'])
    .execute()

  await db.schema.createTable('api_keys')
    .addColumn('api_key', 'text', (c) => c.primaryKey())
    .addColumn('user', 'text', (c) => c.notNull().references('tabUser.name').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('creation', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('api_keys_user').on('api_keys').column('user').execute()

  await db.schema.createTable('passwords')
    .addColumn('user', 'text', (c) => c.primaryKey().references('tabUser.name').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('modified', 'text', (c) => c.notNull())
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  for (const table of ['passwords', 'api_keys', 'tabSingles', 'tabSeries', 'tabHas Role', 'tabRole', 'tabUser']) {
    await db.schema.dropTable(table).execute()
  }
}
