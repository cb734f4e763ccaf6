import type { Db } from '../../db/tables.js'
import { authFailure } from './failures.js'
import { hashPassword, passwordMatches } from './secrets.js'
import { createSession } from './sessions.js'
import { clearAttempts, reserveAttempt, type ThrottlePolicy } from './throttle.js'

export interface LoginSettings {
  readonly sessionIdleMs: number
  readonly throttle: ThrottlePolicy
}

export interface LoggedIn {
  readonly sid: string
  readonly user: string
  readonly fullName: string
  readonly userType: string
}

/** Compared against when the user does not exist, so that both failures take the same time. */
let standIn: Promise<string> | undefined
function standInHash (): Promise<string> {
  standIn ??= hashPassword('no user has this password')
  return standIn
}

/** Frappe refuses longer passwords outright; it also bounds the work one request can cause. */
const longestPassword = 512

/**
 * Frappe's password login: by email or user id, throttled per user (whichever way it is named)
 * and per client address, refusing a disabled user; on success a new session (and sessions
 * long expired are swept away, so that the table does not grow without bound).
 */
export async function login (db: Db, usr: unknown, pwd: unknown, ip: string, settings: LoginSettings): Promise<LoggedIn> {
  if (typeof usr !== 'string' || usr.trim() === '' || typeof pwd !== 'string' || pwd === '') {
    throw authFailure('incomplete_login', 'Incomplete login details')
  }
  const user = await db.selectFrom('tabUser')
    .leftJoin('passwords', 'passwords.user', 'tabUser.name')
    .select(['tabUser.name', 'tabUser.full_name', 'tabUser.enabled', 'tabUser.user_type', 'passwords.password_hash'])
    .where((eb) => eb.or([eb('tabUser.name', '=', usr.trim()), eb('tabUser.email', '=', usr.trim())]))
    .executeTakeFirst()
  const scopes = [`login:user:${String(user?.name ?? usr.trim()).toLowerCase()}`, `login:ip:${ip}`]
  await reserveAttempt(db, scopes, settings.throttle)
  const matches = pwd.length <= longestPassword && await passwordMatches(pwd, user?.password_hash ?? await standInHash())
  if (user === undefined || user.password_hash === null || !matches) throw authFailure('bad_password', 'Invalid login credentials')
  if (user.enabled !== 1) throw authFailure('user_disabled', 'User disabled or missing')
  await clearAttempts(db, scopes)
  await db.deleteFrom('sessions').where('expires_at', '<=', Date.now()).execute()
  const name = String(user.name)
  const sid = await createSession(db, name, ip, settings.sessionIdleMs)
  return { sid, user: name, fullName: String(user.full_name ?? name), userType: String(user.user_type) }
}
