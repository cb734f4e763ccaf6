import type { Db } from '../../db/tables.js'
import { AuthenticationError, DoesNotExistError, ValidationError } from '../../errors.js'
import { now } from '../clock.js'
import { findUser, guest, loadRequestUser, type RequestUser } from '../users.js'
import { hashSecret, randomHex, secretMatches } from './secrets.js'

/** Why a credential was refused: a stable code that clients can act on. */
export type AuthFailureReason = 'malformed_header' | 'unsupported_scheme' | 'unknown_key' | 'bad_secret' | 'user_disabled'

export function authFailure (reason: AuthFailureReason, message: string): AuthenticationError {
  return new AuthenticationError(message, { details: { reason } })
}

export interface IssuedKey {
  api_key: string
  api_secret: string
}

/**
 * Issues an API key for a user. The secret is returned here once and stored only as a hash.
 * Frappe's keys are 15 hex characters; the secret is longer, since nothing needs to type it.
 */
export async function createApiKey (db: Db, user: string, chosen?: IssuedKey): Promise<IssuedKey> {
  if (user === guest) throw new ValidationError('Guest is who a request without credentials runs as: it cannot hold API keys')
  if (await findUser(db, user) === undefined) throw new DoesNotExistError(`User ${user} not found`)
  const issued = chosen ?? { api_key: randomHex(8).slice(0, 15), api_secret: randomHex(24) }
  await db.insertInto('api_keys')
    .values({ api_key: issued.api_key, user, secret_hash: hashSecret(issued.api_secret), creation: now() })
    .onConflict((oc) => oc.column('api_key').doUpdateSet({ user, secret_hash: hashSecret(issued.api_secret) }))
    .execute()
  return issued
}

/** The user an API key and secret belong to, or a 401 that says which part is wrong. */
export async function authenticateApiKey (db: Db, apiKey: string, apiSecret: string): Promise<RequestUser> {
  const key = await db.selectFrom('api_keys')
    .innerJoin('tabUser', 'tabUser.name', 'api_keys.user')
    .select(['api_keys.secret_hash', 'tabUser.name', 'tabUser.enabled', 'tabUser.user_type'])
    .where('api_keys.api_key', '=', apiKey)
    .executeTakeFirst()
  if (key === undefined) throw authFailure('unknown_key', `The API key ${apiKey} is not known`)
  if (!secretMatches(apiSecret, key.secret_hash)) throw authFailure('bad_secret', `The API secret does not match the API key ${apiKey}`)
  if (key.enabled !== 1) throw authFailure('user_disabled', `User ${key.name} is disabled`)
  return await loadRequestUser(db, key)
}
