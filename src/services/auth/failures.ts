import { AuthenticationError } from '../../errors.js'

/** Why a credential was refused: a stable code that clients can act on (the README lists them). */
export type AuthFailureReason =
  | 'malformed_header' | 'unsupported_scheme' | 'unknown_key' | 'bad_secret' | 'key_revoked'
  | 'key_expired' | 'user_disabled' | 'bad_password' | 'incomplete_login' | 'session_expired'

/** A 401 in Frappe's shape, with `message` as Frappe's login answers carry it, and the reason. */
export function authFailure (reason: AuthFailureReason, message: string): AuthenticationError {
  return new AuthenticationError(message, { details: { message, reason } })
}
