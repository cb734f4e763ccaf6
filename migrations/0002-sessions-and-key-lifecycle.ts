import type { Kysely } from 'kysely'

/**
 * Login sessions in the database (so that every server process accepts the same `sid`), the life
 * of an API key (label, expiry, revocation, last use), the key Frappe's generate_keys keeps on the
 * User, and the counters behind login throttling.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('sessions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('user', 'text', (c) => c.notNull().references('tabUser.name').onDelete('cascade'))
    .addColumn('creation', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute()
  await db.schema.createIndex('sessions_user').on('sessions').column('user').execute()

  await db.schema.alterTable('tabUser').addColumn('api_key', 'text').execute()
  await db.schema.alterTable('api_keys').addColumn('label', 'text').execute()
  await db.schema.alterTable('api_keys').addColumn('expires_at', 'integer').execute()
  await db.schema.alterTable('api_keys').addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('api_keys').addColumn('last_used', 'text').execute()

  await db.schema.createTable('auth_failures')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_failure_at', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'integer')
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('auth_failures').execute()
  for (const column of ['last_used', 'revoked', 'expires_at', 'label']) await db.schema.alterTable('api_keys').dropColumn(column).execute()
  await db.schema.dropTable('sessions').execute()
  await db.schema.alterTable('tabUser').dropColumn('api_key').execute()
}
