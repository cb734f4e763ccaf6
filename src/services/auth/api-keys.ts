import type { Db } from '../../db/tables.js'
import { DoesNotExistError, ValidationError } from '../../errors.js'
import { now } from '../clock.js'
import { findUser, guest, loadRequestUser, type RequestUser } from '../users.js'
import { authFailure } from './failures.js'
import type { ShortLivedCache } from './short-lived-cache.js'
import { hashSecret, randomHex, sameSecret, secretMatches } from './secrets.js'
import { clearAttempts, reserveAttempt, type ThrottlePolicy } from './throttle.js'

export interface IssuedKey {
  api_key: string
  api_secret: string
}

/**
 * A key as the cache keeps it once verified, with the secret it was verified with: the next
 * request compares bytes instead of hashing (in memory only, for the cache's second).
 */
export interface VerifiedKey {
  readonly secret: Buffer
  readonly user: RequestUser
  /** Epoch milliseconds, or null for a key that never expires. */
  readonly expiresAt: number | null
}

export interface KeyOptions {
  label?: string | undefined
  /** Epoch milliseconds. */
  expiresAt?: number | undefined
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

/** The latest expiry a key may have: the year 9999, which dates can still show. */
const latestExpiry = Date.UTC(9999, 11, 31)

function newKeyId (): string {
  return randomHex(8).slice(0, 15)
}

function newSecret (): string {
  return randomHex(24)
}

/** The user's id as stored, whatever letter case it was named in; Guest holds no keys. */
async function keyHolder (db: Db, user: string): Promise<string> {
  if (user.toLowerCase() === guest.toLowerCase()) throw new ValidationError('Guest is who a request without credentials runs as: it cannot hold API keys')
  const record = await findUser(db, user)
  if (record === undefined) throw new DoesNotExistError(`User ${user} not found`)
  return record.name
}

function toKeyInfo (row: Omit<KeyInfo, 'expires_at'> & { expires_at: number | null }): KeyInfo {
  return { ...row, expires_at: row.expires_at === null ? null : new Date(row.expires_at).toISOString() }
}

/**
 * Issues a new API key for a user. The secret is returned here once and stored only as a hash.
 * Frappe's keys are 15 hex characters; the secret is longer, since nothing needs to type it.
 */
export async function createApiKey (db: Db, user: string, options: KeyOptions = {}): Promise<KeyInfo & IssuedKey> {
  const holder = await keyHolder(db, user)
  const { expiresAt } = options
  if (expiresAt !== undefined && (!Number.isFinite(expiresAt) || expiresAt <= Date.now() || expiresAt > latestExpiry)) {
    throw new ValidationError('The expiry of a new key must lie in the future, before the year 10000')
  }
  const row = { api_key: newKeyId(), user: holder, label: options.label ?? null, creation: now(), expires_at: expiresAt ?? null, revoked: 0, last_used: null }
  const apiSecret = newSecret()
  await db.insertInto('api_keys').values({ ...row, secret_hash: hashSecret(apiSecret) }).execute()
  return { ...toKeyInfo(row), api_secret: apiSecret }
}

/**
 * A key and secret chosen by configuration (ADMIN_API_KEY): created, or given the configured
 * secret again; never taken from another user, and never brought back once revoked.
 */
export async function ensureChosenKey (db: Db, user: string, chosen: IssuedKey, label: string): Promise<void> {
  const holder = await keyHolder(db, user)
  const existing = await db.selectFrom('api_keys').select(['user', 'revoked']).where('api_key', '=', chosen.api_key).executeTakeFirst()
  if (existing === undefined) {
    await db.insertInto('api_keys')
      .values({ api_key: chosen.api_key, user: holder, label, creation: now(), expires_at: null, revoked: 0, last_used: null, secret_hash: hashSecret(chosen.api_secret) })
      .execute()
    return
  }
  if (existing.user !== holder) throw new ValidationError(`The API key ${chosen.api_key} belongs to another user: choose another`)
  if (existing.revoked === 0) await db.updateTable('api_keys').set({ secret_hash: hashSecret(chosen.api_secret) }).where('api_key', '=', chosen.api_key).execute()
}

/**
 * Frappe's generate_keys: the user keeps their key (`api_key` on the User), with a new secret. A
 * key that is revoked, expired or not theirs is replaced by a new one.
 */
export async function regenerateSecret (db: Db, user: string): Promise<IssuedKey> {
  const holder = await keyHolder(db, user)
  const kept = await db.selectFrom('tabUser')
    .innerJoin('api_keys', 'api_keys.api_key', 'tabUser.api_key')
    .select('api_keys.api_key')
    .where('tabUser.name', '=', holder)
    .where('api_keys.user', '=', holder)
    .where('api_keys.revoked', '=', 0)
    .where((eb) => eb.or([eb('api_keys.expires_at', 'is', null), eb('api_keys.expires_at', '>', Date.now())]))
    .executeTakeFirst()
  if (kept !== undefined) {
    const apiSecret = newSecret()
    await db.updateTable('api_keys').set({ secret_hash: hashSecret(apiSecret) }).where('api_key', '=', kept.api_key).execute()
    return { api_key: kept.api_key, api_secret: apiSecret }
  }
  const issued = await createApiKey(db, holder, { label: 'generate_keys' })
  await db.updateTable('tabUser').set({ api_key: issued.api_key }).where('name', '=', holder).execute()
  return issued
}

export async function listApiKeys (db: Db, user: string): Promise<KeyInfo[]> {
  const holder = await keyHolder(db, user)
  const rows = await db.selectFrom('api_keys')
    .select(['api_key', 'user', 'label', 'creation', 'expires_at', 'revoked', 'last_used'])
    .where('user', '=', holder).orderBy('creation').execute()
  return rows.map(toKeyInfo)
}

/** The owner of a key, for permission checks; undefined when there is no such key. */
export async function keyOwner (db: Db, apiKey: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_keys').select('user').where('api_key', '=', apiKey).executeTakeFirst()
  return row?.user
}

/** Revokes a key: every server process refuses it once its key cache has aged (one second). */
export async function revokeApiKey (db: Db, apiKey: string): Promise<void> {
  const revoked = await db.updateTable('api_keys').set({ revoked: 1 }).where('api_key', '=', apiKey).executeTakeFirst()
  if (revoked.numUpdatedRows === 0n) throw new DoesNotExistError(`API key ${apiKey} not found`)
}

/**
 * The user an API key and secret belong to, or a 401 that says which part is wrong. Repeated
 * failures from one client address lock it out like failed logins do. A key verified within the
 * cache's age is taken from it: a comparison of bytes, no hash and no database read.
 */
export async function authenticateApiKey (
  db: Db, apiKey: string, apiSecret: string, ip: string, policy: ThrottlePolicy, cache: ShortLivedCache<VerifiedKey>
): Promise<RequestUser> {
  const cached = cache.get(apiKey)
  if (cached !== undefined && sameSecret(apiSecret, cached.secret)) return cached.user
  const scopes = [`key:ip:${ip}`]
  await reserveAttempt(db, scopes, policy)
  const key = await db.selectFrom('api_keys')
    .innerJoin('tabUser', 'tabUser.name', 'api_keys.user')
    .select(['api_keys.secret_hash', 'api_keys.revoked', 'api_keys.expires_at', 'api_keys.last_used', 'tabUser.name', 'tabUser.enabled', 'tabUser.user_type'])
    .where('api_keys.api_key', '=', apiKey)
    .executeTakeFirst()
  const shown = apiKey.length > 32 ? `${apiKey.slice(0, 32)}...` : apiKey
  if (key === undefined) throw authFailure('unknown_key', `The API key ${shown} is not known`)
  if (!secretMatches(apiSecret, key.secret_hash)) throw authFailure('bad_secret', `The API secret does not match the API key ${shown}`)
  await clearAttempts(db, scopes)
  if (key.revoked !== 0) throw authFailure('key_revoked', `The API key ${apiKey} has been revoked`)
  if (key.expires_at !== null && key.expires_at <= Date.now()) throw authFailure('key_expired', `The API key ${apiKey} expired on ${new Date(key.expires_at).toISOString()}`)
  if (key.enabled !== 1) throw authFailure('user_disabled', `User ${key.name} is disabled`)
  const used = now()
  if (key.last_used === null || used.slice(0, 16) !== key.last_used.slice(0, 16)) {
    await db.updateTable('api_keys').set({ last_used: used }).where('api_key', '=', apiKey).execute()
  }
  const user = await loadRequestUser(db, key)
  cache.set(apiKey, { secret: Buffer.from(apiSecret, 'utf8'), user, expiresAt: key.expires_at })
  return user
}
