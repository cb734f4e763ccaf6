import type { Db } from './tables.js'

/**
 * Runs `work` in a transaction, or in the one already open: so that a service writing one
 * document can also be one step of a larger write (seeding, the CLI), all or nothing.
 */
export async function inTransaction<T> (db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return await work(db)
  return await db.transaction().execute(work)
}
