import type { Db } from '../../db/tables.js'
import { now as timestamp } from '../clock.js'
import { loadRequestUser, type RequestUser } from '../users.js'
import { authFailure } from './failures.js'
import { hashSecret, randomHex } from './secrets.js'
import type { ShortLivedCache } from './short-lived-cache.js'

/** A session as the cache keeps it once resumed. */
export interface LiveSession {
  readonly user: RequestUser
  /** Epoch milliseconds. */
  readonly expiresAt: number
}

/** Sessions are stored under a hash of their `sid`: a copy of the table opens no session. */
export async function createSession (db: Db, user: string, ip: string, idleMs: number): Promise<string> {
  const sid = randomHex(28)
  await db.insertInto('sessions').values({ sid: hashSecret(sid), user, creation: timestamp(), expires_at: Date.now() + idleMs, ip }).execute()
  return sid
}

/**
 * The user of a session, or undefined when the sid is unknown or has been idle too long (the
 * request then runs as Guest and says `session_expired`, as in Frappe). Use moves the expiry on,
 * written at most once a minute.
 */
export async function resumeSession (db: Db, sid: string, idleMs: number, cache: ShortLivedCache<LiveSession>): Promise<RequestUser | undefined> {
  const key = hashSecret(sid)
  const cached = cache.get(key)
  if (cached !== undefined) return cached.user
  const session = await db.selectFrom('sessions')
    .innerJoin('tabUser', 'tabUser.name', 'sessions.user')
    .select(['sessions.expires_at', 'tabUser.name', 'tabUser.enabled', 'tabUser.user_type'])
    .where('sessions.sid', '=', key)
    .executeTakeFirst()
  const now = Date.now()
  if (session === undefined) return undefined
  if (session.expires_at <= now) {
    await db.deleteFrom('sessions').where('sid', '=', key).execute()
    return undefined
  }
  if (session.enabled !== 1) {
    await db.deleteFrom('sessions').where('user', '=', session.name).execute()
    throw authFailure('user_disabled', `User ${session.name} is disabled`)
  }
  const expiresAt = now + idleMs - session.expires_at > 60_000 ? now + idleMs : session.expires_at
  if (expiresAt !== session.expires_at) await db.updateTable('sessions').set({ expires_at: expiresAt }).where('sid', '=', key).execute()
  const user = await loadRequestUser(db, session)
  cache.set(key, { user, expiresAt })
  return user
}

export async function endSession (db: Db, sid: string, cache: ShortLivedCache<LiveSession>): Promise<void> {
  const key = hashSecret(sid)
  cache.delete(key)
  await db.deleteFrom('sessions').where('sid', '=', key).execute()
}
