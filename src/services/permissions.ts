import { PermissionError } from '../errors.js'
import type { Right } from '../meta/definition.js'
import type { DocTypeMeta, PermissionRule } from '../meta/doctype-meta.js'
import type { RequestUser } from './users.js'

/**
 * The role-permission service: whether a user holds a right on a DocType, through the DocType's
 * permission rows at permlevel 0. Administrator holds every right. Rows marked if_owner grant
 * their rights only on the user's own documents, create aside (as in Frappe, it is never
 * restricted to owners); until that owner check exists they grant nothing else, so that no such
 * row ever grants more than it says.
 */

function grants (rule: PermissionRule, right: Right): boolean {
  return rule.permlevel === 0 && (!rule.ifOwner || right === 'create') && rule.rights.has(right)
}

/** The roles whose rows grant `right` on the DocType, in definition order. */
function rolesGranting (meta: DocTypeMeta, right: Right): string[] {
  return [...new Set(meta.permissions.filter((rule) => grants(rule, right)).map((rule) => rule.role))]
}

export function hasRight (user: RequestUser, meta: DocTypeMeta, right: Right): boolean {
  if (user.isAdministrator) return true
  return meta.permissions.some((rule) => grants(rule, right) && user.roles.has(rule.role))
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
