import type { Db } from '../../db/tables.js'
import { TooManyRequestsError } from '../../errors.js'

/** How many consecutive failures lock a scope, and for how long. `attempts` 0 never locks. */
export interface ThrottlePolicy {
  readonly attempts: number
  readonly lockMs: number
}

/**
 * Consecutive failed logins and key checks, counted in the database per scope (a user, a client
 * address) so that every server process sees the same counts, as Frappe's login tracker does.
 * Failures further apart than the lock interval start a new count.
 */
/** Throws 429 while any scope is locked; answers whether any failures are on record. */
export async function assertNotLocked (db: Db, scopes: readonly string[], now = Date.now()): Promise<boolean> {
  const rows = await db.selectFrom('auth_failures').select('locked_until').where('scope', 'in', scopes).execute()
  const lockedUntil = Math.max(0, ...rows.map((row) => row.locked_until ?? 0))
  if (lockedUntil <= now) return rows.length > 0
  const seconds = Math.ceil((lockedUntil - now) / 1000)
  throw new TooManyRequestsError(`Your account has been locked and will resume after ${seconds} seconds`, {
    headers: { 'retry-after': String(seconds) },
    details: { retry_after: seconds }
  })
}

export async function recordFailure (db: Db, scopes: readonly string[], policy: ThrottlePolicy, now = Date.now()): Promise<void> {
  if (policy.attempts === 0) return
  for (const scope of scopes) {
    const row = await db.selectFrom('auth_failures').selectAll().where('scope', '=', scope).executeTakeFirst()
    const fresh = row === undefined || now - row.first_failure_at > policy.lockMs
    const failures = fresh ? 1 : row.failures + 1
    const values = {
      failures,
      first_failure_at: fresh ? now : row.first_failure_at,
      locked_until: failures >= policy.attempts ? now + policy.lockMs : null
    }
    await db.insertInto('auth_failures').values({ scope, ...values })
      .onConflict((oc) => oc.column('scope').doUpdateSet(values))
      .execute()
  }
}

export async function clearFailures (db: Db, scopes: readonly string[]): Promise<void> {
  await db.deleteFrom('auth_failures').where('scope', 'in', scopes).execute()
}
