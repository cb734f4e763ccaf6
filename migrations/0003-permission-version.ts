import { sql, type Kysely } from 'kysely'

/**
 * One counter that every change bearing on permissions moves on (roles, permission rows, user
 * permissions, shares), in the transaction that makes it: each server process keeps resolved
 * permissions while the counter stands still, so that all of them agree within a bounded time.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('permission_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute()
  await sql`insert into permission_version (id, version) values (1, 0)`.execute(db)
}
