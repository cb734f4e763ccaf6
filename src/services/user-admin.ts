import type { Db } from '../db/tables.js'
import { inTransaction } from '../db/transactions.js'
import { hashPassword } from './auth/secrets.js'
import { now } from './clock.js'
import { getDocument, insertDocument, updateDocument } from './documents.js'
import type { ServiceContext, SiteServices } from './context.js'
import { administratorUser } from './users.js'

export interface NewUser {
  email: string
  fullName: string | undefined
  roles: readonly string[]
  password: string | undefined
}

export function asAdministrator (services: SiteServices): ServiceContext {
  return { ...services, user: administratorUser }
}

/** Adds a User document with its roles, and a password hash when one is given, all or nothing. */
export async function createUser (services: SiteServices, user: NewUser): Promise<string> {
  const [first = user.email, ...rest] = (user.fullName ?? '').trim().split(/\s+/).filter((part) => part !== '')
  return await inTransaction(services.db, async (trx) => {
    const doc = await insertDocument(asAdministrator({ ...services, db: trx }), 'User', {
      email: user.email,
      first_name: first,
      last_name: rest.join(' ') || null,
      full_name: user.fullName ?? first,
      roles: user.roles.map((role) => ({ role }))
    })
    const name = String(doc.name)
    if (user.password !== undefined) await setPassword(trx, name, user.password)
    return name
  })
}

/** Sets a user's login password, kept only as a memory-hard hash. */
export async function setPassword (db: Db, user: string, password: string): Promise<void> {
  const values = { password_hash: await hashPassword(password), modified: now() }
  await db.insertInto('passwords').values({ user, ...values })
    .onConflict((oc) => oc.column('user').doUpdateSet(values))
    .execute()
}

/** Enables or disables a user: a disabled user's keys, sessions and logins are refused. */
export async function setUserEnabled (services: SiteServices, user: string, enabled: boolean): Promise<string> {
  const saved = await updateDocument(asAdministrator(services), 'User', user, { enabled: enabled ? 1 : 0 })
  return String(saved.name)
}

export interface RoleChange {
  readonly add?: readonly string[]
  readonly remove?: readonly string[]
  /** All the roles the user is to hold, instead of adding and removing. */
  readonly set?: readonly string[]
}

/** Changes the roles assigned to a user; answers those they hold afterwards. */
export async function changeUserRoles (services: SiteServices, user: string, change: RoleChange): Promise<string[]> {
  const ctx = asAdministrator(services)
  const current = ((await getDocument(ctx, 'User', user)).roles as Array<{ role: string }> | undefined ?? []).map((row) => row.role)
  if (change.set === undefined && (change.add ?? []).length === 0 && (change.remove ?? []).length === 0) return current
  const removed = new Set(change.remove ?? [])
  const roles = [...new Set([...(change.set ?? current), ...(change.add ?? [])])].filter((role) => !removed.has(role))
  const saved = await updateDocument(ctx, 'User', user, { roles: roles.map((role) => ({ role })) })
  return (saved.roles as Array<{ role: string }>).map((row) => row.role)
}
