import type { Db } from '../db/tables.js'
import { ValidationError } from '../errors.js'
import type { MetaRegistry } from '../meta/registry.js'
import { ensureChosenKey, type IssuedKey } from './auth/api-keys.js'
import { hashPassword, randomHex } from './auth/secrets.js'
import { now } from './clock.js'
import { randomName } from './naming.js'
import { administrator, automaticRoles, deskUserRole, guest } from './users.js'

export const systemManager = 'System Manager'

/** Records every site needs: Frappe refuses to delete them, and so do we. */
const standardRecords: Readonly<Record<string, ReadonlySet<string>>> = {
  User: new Set([administrator, guest]),
  Role: new Set([administrator, systemManager, guest, ...automaticRoles, deskUserRole])
}

export function assertDeletable (doctype: string, name: string): void {
  if (standardRecords[doctype]?.has(name) === true) throw new ValidationError(`${doctype} ${name} is a standard record and cannot be deleted`)
}

async function ensureRole (db: Db, role: string, timestamp: string): Promise<void> {
  await db.insertInto('tabRole')
    .values({ name: role, role_name: role, owner: administrator, modified_by: administrator, creation: timestamp, modified: timestamp, docstatus: 0, idx: 0, disabled: 0, desk_access: 1 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
}

async function ensureUser (db: Db, name: string, email: string, roles: readonly string[], timestamp: string): Promise<boolean> {
  const inserted = await db.insertInto('tabUser')
    .values({ name, email, first_name: name, last_name: null, full_name: name, enabled: 1, user_type: name === guest ? 'Website User' : 'System User', owner: administrator, modified_by: administrator, creation: timestamp, modified: timestamp, docstatus: 0, idx: 0 })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst()
  if (inserted.numInsertedOrUpdatedRows === 0n) return false
  await db.insertInto('tabHas Role').values(roles.map((role, index) => ({
    name: randomName(), parent: name, parentfield: 'roles', parenttype: 'User', role, owner: administrator, modified_by: administrator, creation: timestamp, modified: timestamp, docstatus: 0, idx: index + 1
  }))).execute()
  return true
}

export interface AdministratorCredentials {
  /** Whether this start created the Administrator, that is, the database is new. */
  created: boolean
  /** Set when no password was configured: the one chance to show it. */
  generatedPassword?: string
}

export interface SystemRecordsOptions {
  adminPassword: string | undefined
  adminKey: IssuedKey | undefined
}

/**
 * The records every site has, as in Frappe: the Administrator and Guest users, the standard
 * roles and every role that a DocType's permissions name. Safe to run at every start.
 */
export async function ensureSystemRecords (db: Db, registry: MetaRegistry, options: SystemRecordsOptions): Promise<AdministratorCredentials> {
  const timestamp = now()
  const roles = new Set<string>([administrator, systemManager, guest, ...automaticRoles, deskUserRole])
  for (const meta of registry.all()) for (const rule of meta.permissions) roles.add(rule.role)
  for (const role of roles) await ensureRole(db, role, timestamp)
  await ensureUser(db, guest, 'guest@example.com', [guest], timestamp)
  const created = await ensureUser(db, administrator, 'admin@example.com', [administrator, systemManager], timestamp)
  const credentials: AdministratorCredentials = { created }
  if (created) {
    const password = options.adminPassword ?? randomHex(12)
    if (options.adminPassword === undefined) credentials.generatedPassword = password
    await db.insertInto('passwords').values({ user: administrator, password_hash: await hashPassword(password), modified: timestamp }).execute()
  }
  if (options.adminKey !== undefined) await ensureChosenKey(db, administrator, options.adminKey, 'ADMIN_API_KEY')
  return credentials
}
