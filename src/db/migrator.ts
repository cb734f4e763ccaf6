import { Migrator, type MigrationResult } from 'kysely'
import { migrations } from '../../migrations/index.js'
import type { Progress } from '../progress.js'
import type { Db } from './tables.js'

/** Applies every pending migration, one at a time; throws with the failing migration's name. */
export async function migrateToLatest (db: Db, progress: Progress = () => {}): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const pending = (await migrator.getMigrations()).filter((migration) => migration.executedAt === undefined).length
  const applied: MigrationResult[] = []
  for (;;) {
    const step = await migrator.migrateUp()
    if (step.error !== undefined) {
      const failed = step.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
      throw new Error(`Migration ${failed} failed: ${String(step.error)}`, { cause: step.error })
    }
    const done = step.results ?? []
    if (done.length === 0) return applied
    applied.push(...done)
    progress('Migrating', applied.length, pending)
  }
}
