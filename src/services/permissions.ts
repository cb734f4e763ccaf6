import { PermissionError } from '../errors.js'
import { rights as allRights, type Right } from '../meta/definition.js'
import type { DocTypeMeta, FieldMeta, PermissionRule } from '../meta/doctype-meta.js'
import type { RequestUser } from './users.js'

/**
 * The role-permission service, from a DocType's permission rows (Frappe's DocPerm, or the Custom
 * DocPerm rows that replace them): what a user may do on a DocType and on one document, and which
 * fields they may read and write. Administrator holds every right at every level.
 */

/** What one user may do on one DocType, resolved once from the rows of the roles they hold. */
export interface Access {
  readonly user: RequestUser
  readonly meta: DocTypeMeta
  /** The DocType's permission rows in force, of every role. */
  readonly rules: readonly PermissionRule[]
  /** Rights on every document: level-0 rows, and `create` from any level-0 row. */
  readonly rights: ReadonlySet<Right>
  /** Rights on the user's own documents only: level-0 rows marked if_owner. */
  readonly ownRights: ReadonlySet<Right>
  /** The permlevels whose fields the user may read, and write. */
  readonly readLevels: ReadonlySet<number>
  readonly writeLevels: ReadonlySet<number>
}

const levels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]

/** Rights a DocType cannot grant: only submittable DocTypes know submit, cancel and amend. */
function applies (meta: DocTypeMeta, right: Right): boolean {
  return meta.isSubmittable || !['submit', 'cancel', 'amend'].includes(right)
}

export function accessTo (user: RequestUser, meta: DocTypeMeta, rules: readonly PermissionRule[]): Access {
  if (user.isAdministrator) {
    const every = new Set(allRights.filter((right) => applies(meta, right)))
    return { user, meta, rules, rights: every, ownRights: new Set(), readLevels: new Set(levels), writeLevels: new Set(levels) }
  }
  const rows = rules.filter((rule) => user.roles.has(rule.role))
  const rights = new Set<Right>()
  const ownRights = new Set<Right>()
  const readLevels = new Set<number>()
  const writeLevels = new Set<number>()
  for (const rule of rows) {
    if (rule.rights.has('read')) readLevels.add(rule.permlevel)
    if (rule.rights.has('write')) writeLevels.add(rule.permlevel)
    if (rule.permlevel !== 0) continue
    for (const right of rule.rights) {
      if (!applies(meta, right)) continue
      if (rule.ifOwner && right !== 'create') ownRights.add(right)
      else rights.add(right)
    }
  }
  for (const right of rights) ownRights.delete(right)
  return { user, meta, rules, rights, ownRights, readLevels, writeLevels }
}

/** A document as far as permissions care: its name and who owns it. */
export interface OwnedDocument {
  readonly name: string
  readonly owner: string
}

/** Whether the right is held on this document, or, without one, on at least some documents. */
export function may (access: Access, right: Right, doc?: OwnedDocument): boolean {
  if (access.rights.has(right)) return true
  if (!access.ownRights.has(right)) return false
  return doc === undefined || doc.owner === access.user.name
}

/**
 * Which rows of a list the user's roles show: every row, only their own (if_owner rows), or none
 * (shares may still show some); and all readable fields, or only the search fields (select).
 */
export interface ListScope {
  readonly rows: 'all' | 'own' | 'none'
  readonly selectOnly: boolean
}

export function listScope (access: Access): ListScope {
  if (access.rights.has('read')) return { rows: 'all', selectOnly: false }
  if (access.ownRights.has('read')) return { rows: 'own', selectOnly: false }
  if (access.rights.has('select')) return { rows: 'all', selectOnly: true }
  if (access.ownRights.has('select')) return { rows: 'own', selectOnly: true }
  return { rows: 'none', selectOnly: false }
}

/** Whether the own-User rule below applies: the User DocType, a logged-in user. */
export function hasOwnUserRule (access: Access): boolean {
  return access.meta.name === 'User' && !access.user.isGuest
}

/**
 * Frappe's rule for the User DocType: everyone may read and write their own User document, at
 * level 0 (email, roles, enabled and the API key sit at level 1, for System Manager).
 */
export function withOwnUser (access: Access, doc: OwnedDocument): Access {
  if (!hasOwnUserRule(access) || doc.name !== access.user.name) return access
  return {
    ...access,
    rights: new Set([...access.rights, 'read', 'write']),
    readLevels: new Set([...access.readLevels, 0]),
    writeLevels: new Set([...access.writeLevels, 0])
  }
}

/** Frappe's rule for an owner whose User Permissions exclude their document: only what if_owner rows give. */
export function ownRightsOnly (access: Access): Access {
  return { ...access, rights: new Set() }
}

/** Access as widened by a share of one document: its level-0 fields become readable (writable). */
export function withShare (access: Access, write: boolean): Access {
  return {
    ...access,
    readLevels: new Set([...access.readLevels, 0]),
    writeLevels: write ? new Set([...access.writeLevels, 0]) : access.writeLevels
  }
}

export function readsField (access: Access, field: FieldMeta): boolean {
  return field.standard || access.readLevels.has(field.permlevel)
}

export function writesField (access: Access, field: FieldMeta): boolean {
  return field.standard || access.writeLevels.has(field.permlevel)
}

/** The roles whose level-0 rows grant `right`, and whether only on their holders' own documents. */
function grantingRoles ({ meta, rules }: Access, right: Right): Array<{ role: string, ownOnly: boolean }> {
  const found = new Map<string, boolean>()
  for (const rule of rules) {
    if (rule.permlevel !== 0 || !rule.rights.has(right) || !applies(meta, right)) continue
    const ownOnly = rule.ifOwner && right !== 'create'
    found.set(rule.role, (found.get(rule.role) ?? true) && ownOnly)
  }
  return [...found].map(([role, ownOnly]) => ({ role, ownOnly }))
}

/** Beyond Frappe: the right that was missing, and who would hold it. */
function explanation (access: Access, right: Right): string {
  const granting = grantingRoles(access, right).map(({ role, ownOnly }) => ownOnly ? `${role} (on their own documents)` : role)
  const who = granting.length === 0
    ? 'no role grants it'
    : `it is granted by the role${granting.length > 1 ? 's' : ''} ${granting.join(', ')}`
  return `The '${right}' permission on ${access.meta.name} is needed; ${who}.`
}

/** Beyond Frappe: a machine-readable account of one permission question. */
export interface Explanation {
  readonly allowed: boolean
  readonly doctype: string
  readonly document?: string
  readonly right: Right
  readonly user: string
  readonly user_roles: readonly string[]
  readonly granting_roles: ReadonlyArray<{ role: string, if_owner?: 1 }>
  /** The same in a sentence. */
  readonly because: string
}

export function explain (access: Access, right: Right, doc?: OwnedDocument): Explanation {
  const { user, meta } = access
  const allowed = may(access, right, doc)
  const because = allowed
    ? access.rights.has(right) || user.isAdministrator
      ? `${user.name} holds '${right}' on every ${meta.name}${user.isAdministrator ? ' as Administrator' : ''}.`
      : `${user.name} holds '${right}' on ${meta.name} documents they own, and owns this one.`
    : access.ownRights.has(right)
      ? `${user.name} holds '${right}' on ${meta.name} only on documents they own, and does not own ${doc?.name ?? 'it'}. ${explanation(access, right)}`
      : explanation(access, right)
  return {
    allowed,
    doctype: meta.name,
    ...(doc === undefined ? {} : { document: doc.name }),
    right,
    user: user.name,
    user_roles: [...user.roles].sort(),
    granting_roles: grantingRoles(access, right).map(({ role, ownOnly }) => ownOnly ? { role, if_owner: 1 as const } : { role }),
    because
  }
}

function refusal (access: Access, right: Right, doc?: OwnedDocument): PermissionError {
  const { user, meta } = access
  const onDocType = doc === undefined || !may(access, 'read')
  const denial = onDocType
    ? `User <strong>${user.name}</strong> does not have doctype access via role permission for document <strong>${meta.name}</strong>`
    : `User <strong>${user.name}</strong> does not have access to this document: ${meta.name} - ${doc.name}`
  const errorMessage = doc === undefined && (right === 'read' || right === 'select')
    ? `No permission for ${meta.name}`
    : `You need the '${right}' permission on <strong>${meta.name}</strong> ${doc?.name ?? ''} to perform this action.`
  const { allowed: _allowed, because, ...permission } = explain(access, right, doc)
  return new PermissionError('', {
    serverMessages: [{ message: `${denial}. ${because}`, title: 'Message' }],
    errorMessage,
    details: { permission }
  })
}

/**
 * Throws Frappe's PermissionError unless the user holds `right`: on the document when one is
 * given (as Frappe's document check), else on the DocType (as its list check).
 */
export function assertMay (access: Access, right: Right, doc?: OwnedDocument): void {
  if (!may(access, right, doc)) throw refusal(access, right, doc)
}
