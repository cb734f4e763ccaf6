import type { Db } from '../db/tables.js'

export const administrator = 'Administrator'
export const guest = 'Guest'

/** Who a request runs as: its user id and every role it holds, automatic ones included. */
export interface RequestUser {
  readonly name: string
  readonly roles: ReadonlySet<string>
  readonly isAdministrator: boolean
  readonly isGuest: boolean
}

export const guestUser: RequestUser = Object.freeze({
  name: guest,
  roles: new Set([guest]),
  isAdministrator: false,
  isGuest: true
})

/** The server's own work (seeding, the CLI) runs as Administrator, as Frappe's does. */
export const administratorUser: RequestUser = Object.freeze({
  name: administrator,
  roles: new Set([administrator]),
  isAdministrator: true,
  isGuest: false
})

/** The roles Frappe gives every logged-in user, on top of those assigned. */
export const automaticRoles = ['All', 'Guest'] as const
/** Frappe v15 also gives users of type System User this role. */
export const deskUserRole = 'Desk User'

export interface UserRecord {
  name: string
  enabled: number
  user_type: string
}

/** The roles assigned to a user through its "Has Role" rows, minus disabled roles. */
export async function assignedRoles (db: Db, user: string): Promise<string[]> {
  const rows = await db.selectFrom('tabHas Role')
    .innerJoin('tabRole', 'tabRole.name', 'tabHas Role.role')
    .select('tabRole.name')
    .where('tabHas Role.parenttype', '=', 'User')
    .where('tabHas Role.parentfield', '=', 'roles')
    .where('tabHas Role.parent', '=', user)
    .where('tabRole.disabled', '=', 0)
    .execute()
  return rows.map((row) => row.name)
}

/** The RequestUser for an enabled user record, with the automatic roles added. */
export async function loadRequestUser (db: Db, user: UserRecord): Promise<RequestUser> {
  const roles = new Set(await assignedRoles(db, user.name))
  for (const role of automaticRoles) roles.add(role)
  if (user.user_type === 'System User') roles.add(deskUserRole)
  return Object.freeze({ name: user.name, roles, isAdministrator: user.name === administrator, isGuest: false })
}

export async function findUser (db: Db, name: string): Promise<UserRecord | undefined> {
  return await db.selectFrom('tabUser').select(['name', 'enabled', 'user_type']).where('name', '=', name).executeTakeFirst()
}
