import type { Generated, Kysely } from 'kysely'

/** A value as stored in a column of a DocType table. */
export type ColumnValue = string | number | null

/** The columns every DocType table has (Frappe's standard fields). */
export interface StandardColumns {
  name: string
  owner: string
  creation: string
  modified: string
  modified_by: string
  docstatus: number
  idx: number
}

/** The extra columns of a child-table DocType. */
export interface ChildColumns {
  parent: string | null
  parentfield: string | null
  parenttype: string | null
}

export interface UserTable extends StandardColumns {
  email: string
  first_name: string | null
  last_name: string | null
  full_name: string | null
  enabled: number
  user_type: string
  /** The key Frappe's generate_keys keeps; a user may hold more keys in api_keys. */
  api_key: string | null
}

export interface RoleTable extends StandardColumns {
  role_name: string
  disabled: number
  desk_access: number
}

export interface HasRoleTable extends StandardColumns, ChildColumns {
  role: string
}

/** API keys: only a hash of each secret is kept. */
export interface ApiKeyTable {
  api_key: string
  user: string
  secret_hash: string
  creation: string
  label: string | null
  /** Epoch milliseconds after which the key is refused; null for never. */
  expires_at: number | null
  revoked: Generated<number>
  last_used: string | null
}

/** Login sessions: a `sid` cookie names one until it has been idle past `expires_at`. */
export interface SessionTable {
  sid: string
  user: string
  creation: string
  /** Epoch milliseconds; each use moves it on by the idle expiry. */
  expires_at: number
  ip: string | null
}

/** Consecutive failed logins or key checks, per user or client address (`login:user:x`, ...). */
export interface AuthFailureTable {
  scope: string
  failures: number
  first_failure_at: number
  locked_until: number | null
}

/** Login passwords, as memory-hard hashes, apart from the readable User rows. */
export interface PasswordTable {
  user: string
  password_hash: string
  modified: string
}

/** Autoname counters, keyed by the prefix before the hashes (Frappe's `tabSeries`). */
export interface SeriesTable {
  name: string
  current: Generated<number>
}

/** The values of Single DocTypes, one row per field, as Frappe keeps them. */
export interface SinglesTable {
  doctype: string
  field: string
  value: string | null
}

/** The single row (id 1) whose version moves on with every change bearing on permissions. */
export interface PermissionVersionTable {
  id: number
  version: number
}

/** The tables that migrations create. */
export interface SystemTables {
  tabUser: UserTable
  tabRole: RoleTable
  'tabHas Role': HasRoleTable
  tabSeries: SeriesTable
  tabSingles: SinglesTable
  api_keys: ApiKeyTable
  sessions: SessionTable
  auth_failures: AuthFailureTable
  passwords: PasswordTable
  permission_version: PermissionVersionTable
}

/** A DocType's table, `tab<DocType>`: its columns come from the DocType definition at run time. */
export type DocumentRow = Record<string, ColumnValue>

export type DocumentTableName = `tab${string}`

export type Database = SystemTables & Record<DocumentTableName, DocumentRow>

export type Db = Kysely<Database>

export function tableName (doctype: string): DocumentTableName {
  return `tab${doctype}`
}
