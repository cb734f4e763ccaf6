import type { Db } from '../../db/tables.js'
import { DoesNotExistError, ValidationError } from '../../errors.js'
import { now } from '../clock.js'
import { findUser, guest, loadRequestUser, type RequestUser } from '../users.js'
import { authFailure } from './failures.js'
import type { ShortLivedCache } from './short-lived-cache.js'
import { hashSecret, randomHex, secretMatches } from './secrets.js'
import { assertNotLocked, clearFailures, recordFailure, type ThrottlePolicy } from './throttle.js'

export interface IssuedKey {
  api_key: string
  api_secret: string
}

/** A key as the cache keeps it once verified. */
export interface VerifiedKey {
  readonly secretHash: string
  readonly user: RequestUser
  /** Epoch milliseconds, or null for a key that never expires. */
  readonly expiresAt: number | null
}

export interface KeyOptions {
  label?: string | undefined
  /** Epoch milliseconds. */
  expiresAt?: number | undefined
  /** A key and secret chosen by configuration, instead of random ones. */
  chosen?: IssuedKey | undefined
}

/** What is known of a key after it was issued: never its secret. */
export interface KeyInfo {
  api_key: string
  user: string
  label: string | null
  creation: string
  expires_at: string | null
  revoked: number
  last_used: string | null
}

/**
 * Issues an API key for a user. The secret is returned here once and stored only as a hash.
 * Frappe's keys are 15 hex characters; the secret is longer, since nothing needs to type it.
 */
export async function createApiKey (db: Db, user: string, options: KeyOptions = {}): Promise<IssuedKey> {
  if (user === guest) throw new ValidationError('Guest is who a request without credentials runs as: it cannot hold API keys')
  if (await findUser(db, user) === undefined) throw new DoesNotExistError(`User ${user} not found`)
  if (options.expiresAt !== undefined && options.expiresAt <= Date.now()) throw new ValidationError('The expiry of a new key must lie in the future')
  const issued = options.chosen ?? { api_key: randomHex(8).slice(0, 15), api_secret: randomHex(24) }
  const values = { user, secret_hash: hashSecret(issued.api_secret), label: options.label ?? null, expires_at: options.expiresAt ?? null, revoked: 0 }
  await db.insertInto('api_keys')
    .values({ api_key: issued.api_key, creation: now(), last_used: null, ...values })
    .onConflict((oc) => oc.column('api_key').doUpdateSet(values))
    .execute()
  return issued
}

/** Frappe's generate_keys: the user keeps their key (`api_key` on the User), with a new secret. */
export async function regenerateSecret (db: Db, user: string): Promise<IssuedKey> {
  const record = await db.selectFrom('tabUser').select('api_key').where('name', '=', user).executeTakeFirst()
  if (record === undefined) throw new DoesNotExistError(`User ${user} not found`)
  const kept = typeof record.api_key === 'string' && record.api_key !== '' ? record.api_key : undefined
  const current = kept !== undefined && await keyOwner(db, kept).catch(() => undefined) === user ? kept : undefined
  const issued = await createApiKey(db, user, { label: 'generate_keys', chosen: { api_key: current ?? randomHex(8).slice(0, 15), api_secret: randomHex(24) } })
  if (issued.api_key !== kept) await db.updateTable('tabUser').set({ api_key: issued.api_key }).where('name', '=', user).execute()
  return issued
}

export async function listApiKeys (db: Db, user: string): Promise<KeyInfo[]> {
  const rows = await db.selectFrom('api_keys')
    .select(['api_key', 'user', 'label', 'creation', 'expires_at', 'revoked', 'last_used'])
    .where('user', '=', user).orderBy('creation').execute()
  return rows.map((row) => ({ ...row, expires_at: row.expires_at === null ? null : new Date(row.expires_at).toISOString() }))
}

/** The owner of a key, for permission checks; DoesNotExistError when there is no such key. */
export async function keyOwner (db: Db, apiKey: string): Promise<string> {
  const row = await db.selectFrom('api_keys').select('user').where('api_key', '=', apiKey).executeTakeFirst()
  if (row === undefined) throw new DoesNotExistError(`API key ${apiKey} not found`)
  return row.user
}

/** Revokes a key: every server process refuses it once its key cache has aged (one second). */
export async function revokeApiKey (db: Db, apiKey: string): Promise<void> {
  await keyOwner(db, apiKey)
  await db.updateTable('api_keys').set({ revoked: 1 }).where('api_key', '=', apiKey).execute()
}

/**
 * The user an API key and secret belong to, or a 401 that says which part is wrong. Repeated
 * failures from one client address lock it out like failed logins do. A key verified within the
 * cache's age is taken from it: one hash, no database read.
 */
export async function authenticateApiKey (
  db: Db, apiKey: string, apiSecret: string, ip: string, policy: ThrottlePolicy, cache: ShortLivedCache<VerifiedKey>
): Promise<RequestUser> {
  const cached = cache.get(apiKey)
  if (cached !== undefined && secretMatches(apiSecret, cached.secretHash)) return cached.user
  const scopes = [`key:ip:${ip}`]
  const hadFailures = await assertNotLocked(db, scopes)
  const key = await db.selectFrom('api_keys')
    .innerJoin('tabUser', 'tabUser.name', 'api_keys.user')
    .select(['api_keys.secret_hash', 'api_keys.revoked', 'api_keys.expires_at', 'api_keys.last_used', 'tabUser.name', 'tabUser.enabled', 'tabUser.user_type'])
    .where('api_keys.api_key', '=', apiKey)
    .executeTakeFirst()
  if (key === undefined || !secretMatches(apiSecret, key.secret_hash)) {
    await recordFailure(db, scopes, policy)
    throw key === undefined
      ? authFailure('unknown_key', `The API key ${apiKey} is not known`)
      : authFailure('bad_secret', `The API secret does not match the API key ${apiKey}`)
  }
  if (key.revoked !== 0) throw authFailure('key_revoked', `The API key ${apiKey} has been revoked`)
  if (key.expires_at !== null && key.expires_at <= Date.now()) throw authFailure('key_expired', `The API key ${apiKey} expired on ${new Date(key.expires_at).toISOString()}`)
  if (key.enabled !== 1) throw authFailure('user_disabled', `User ${key.name} is disabled`)
  if (hadFailures) await clearFailures(db, scopes)
  const used = now()
  if (key.last_used === null || used.slice(0, 16) !== key.last_used.slice(0, 16)) {
    await db.updateTable('api_keys').set({ last_used: used }).where('api_key', '=', apiKey).execute()
  }
  const user = await loadRequestUser(db, key)
  cache.set(apiKey, { secretHash: key.secret_hash, user, expiresAt: key.expires_at })
  return user
}
