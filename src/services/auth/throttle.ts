import { sql } from 'kysely'
import type { Db } from '../../db/tables.js'
import { TooManyRequestsError } from '../../errors.js'

/** How many consecutive failures lock a scope, and for how long. `attempts` 0 never locks. */
export interface ThrottlePolicy {
  readonly attempts: number
  readonly lockMs: number
}

/** Scopes are keyed by what clients send: bounded, so that no request can store much. */
function boundedScope (scope: string): string {
  return scope.slice(0, 200)
}

/**
 * Counts an attempt before its credential is checked, in one atomic statement per scope (a user,
 * a client address), so that neither parallel guesses nor other server processes can outrun the
 * count, as Frappe's login tracker intends. The attempt that reaches the limit still gets its
 * check; those beyond it are refused with 429 until the lock ends. A success gives the attempts
 * back (`clearAttempts`). Counts start again when the lock has ended, or when the last count
 * began longer ago than the lock lasts.
 */
export async function reserveAttempt (db: Db, scopes: readonly string[], policy: ThrottlePolicy, now = Date.now()): Promise<void> {
  if (policy.attempts === 0) return
  const { attempts, lockMs } = policy
  let lockedUntil = 0
  for (const scope of scopes.map(boundedScope)) {
    const restart = sql<boolean>`(auth_failures.locked_until is null and ${now} - auth_failures.first_failure_at > ${lockMs}) or auth_failures.locked_until <= ${now}`
    const failures = sql<number>`case when ${restart} then 1 else auth_failures.failures + 1 end`
    const row = await db.insertInto('auth_failures')
      .values({ scope, failures: 1, first_failure_at: now, locked_until: attempts <= 1 ? now + lockMs : null })
      .onConflict((oc) => oc.column('scope').doUpdateSet({
        failures,
        first_failure_at: sql<number>`case when ${restart} then ${now} else auth_failures.first_failure_at end`,
        locked_until: sql<number | null>`case when ${restart} then (case when ${attempts} <= 1 then ${now + lockMs} else null end) when ${failures} >= ${attempts} then coalesce(auth_failures.locked_until, ${now + lockMs}) else null end`
      }))
      .returning(['failures', 'locked_until'])
      .executeTakeFirstOrThrow()
    if (row.failures > attempts) lockedUntil = Math.max(lockedUntil, row.locked_until ?? now + lockMs)
  }
  if (lockedUntil === 0) return
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000))
  throw new TooManyRequestsError(`Your account has been locked and will resume after ${seconds} seconds`, {
    headers: { 'retry-after': String(seconds) },
    details: { retry_after: seconds }
  })
}

/** After a success: the attempts counted for these scopes are given back. */
export async function clearAttempts (db: Db, scopes: readonly string[]): Promise<void> {
  await db.deleteFrom('auth_failures').where('scope', 'in', scopes.map(boundedScope)).execute()
}
