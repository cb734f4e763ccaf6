import { PermissionError } from '../errors.js'
import type { Right } from '../meta/definition.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import type { RequestUser } from './users.js'

/**
 * The role-permission service: whether a user holds a right on a DocType, through the DocType's
 * permission rows at permlevel 0. Administrator holds every right.
 */

/** The roles whose permlevel-0 rows grant `right` on the DocType, in definition order. */
export function rolesGranting (meta: DocTypeMeta, right: Right): string[] {
  const roles = meta.permissions
    .filter((rule) => rule.permlevel === 0 && rule.rights.has(right))
    .map((rule) => rule.role)
  return [...new Set(roles)]
}

export function hasRight (user: RequestUser, meta: DocTypeMeta, right: Right): boolean {
  if (user.isAdministrator) return true
  return meta.permissions.some((rule) => rule.permlevel === 0 && rule.rights.has(right) && user.roles.has(rule.role))
}

/** Beyond Frappe: which right was missing and who would have it. */
function explanation (meta: DocTypeMeta, right: Right): string {
  const granting = rolesGranting(meta, right)
  const who = granting.length === 0
    ? 'no role grants it'
    : `it is granted by the role${granting.length > 1 ? 's' : ''} ${granting.join(', ')}`
  return `The '${right}' permission on ${meta.name} is needed; ${who}.`
}

function doctypeAccessMessage (user: RequestUser, meta: DocTypeMeta): string {
  return `User <strong>${user.name}</strong> does not have doctype access via role permission for document <strong>${meta.name}</strong>`
}

/**
 * Throws Frappe's PermissionError unless the user holds `right` on the DocType. Without a
 * document name it answers as Frappe's list check ("No permission for X"); with one, as its
 * document check ("You need the 'write' permission on X name ...").
 */
export function assertRight (user: RequestUser, meta: DocTypeMeta, right: Right, name?: string): void {
  if (hasRight(user, meta, right)) return
  const message = `${doctypeAccessMessage(user, meta)}. ${explanation(meta, right)}`
  const errorMessage = name === undefined && (right === 'read' || right === 'select')
    ? `No permission for ${meta.name}`
    : `You need the '${right}' permission on <strong>${meta.name}</strong> ${name ?? ''} to perform this action.`
  throw new PermissionError('', {
    serverMessages: [{ message, title: 'Message' }],
    errorMessage
  })
}
