import { PermissionError, ValidationError } from '../../errors.js'
import { rights } from '../../meta/definition.js'
import type { ServiceContext } from '../../services/context.js'
import { permissionSubject, rightParam } from '../../services/document-permissions.js'
import { assertDocumentRight, holdsDocumentRight } from '../../services/documents.js'
import { explain, may } from '../../services/permissions.js'
import { systemManager } from '../../services/system-records.js'
import { findUser, guestUser, loadRequestUser } from '../../services/users.js'
import type { MethodCall, MethodDefinition } from './method.js'

/** The right a call asks about, on a document or (without one) on the DocType, judged as every request is. */
async function holds (ctx: ServiceContext, call: MethodCall, right: ReturnType<typeof rightParam>): Promise<boolean> {
  const { access, doc } = await permissionSubject(ctx, ctx.user, call.params.doctype, call.params.docname)
  return doc === undefined ? may(access, right) : await holdsDocumentRight(ctx, access.meta.name, doc.name, right)
}

/** Frappe's permission questions, and beyond Frappe: why a user may or may not. */
export const permissionMethods: Record<string, MethodDefinition> = {
  'frappe.client.has_permission': {
    summary: 'Whether you hold a right on a DocType or document',
    params: { doctype: 'DocType', docname: 'document name (optional)', perm_type: 'right, default read' },
    run: async (call) => ({ message: { has_permission: await holds(call.ctx, call, rightParam(call.params.perm_type, 'read')) } })
  },
  'frappe.client.get_doc_permissions': {
    summary: 'Every right you hold on a DocType or document, as 0 or 1',
    params: { doctype: 'DocType', docname: 'document name (optional)' },
    run: async (call) => {
      const permissions: Record<string, 0 | 1> = {}
      for (const right of rights) permissions[right] = await holds(call.ctx, call, right) ? 1 : 0
      return { message: { permissions } }
    }
  },
  'doctype_server.permissions.explain': {
    summary: 'Why a user may or may not hold a right (System Manager for others)',
    params: { user: 'user id (default: yourself)', doctype: 'DocType', docname: 'document name (optional)', right: 'right, default read' },
    run: async (call) => {
      const { ctx, params } = call
      const name = typeof params.user === 'string' && params.user !== '' ? params.user : ctx.user.name
      const record = await findUser(ctx.db, name)
      if (record === undefined) throw new ValidationError(`User ${name} not found`)
      if (record.name !== ctx.user.name && !ctx.user.isAdministrator && !ctx.user.roles.has(systemManager)) {
        throw new PermissionError('Only a System Manager may ask why another user may or may not do something', { errorMessage: 'Not permitted' })
      }
      const user = record.name === guestUser.name ? guestUser : await loadRequestUser(ctx.db, record)
      const asUser = { ...ctx, user }
      const right = rightParam(params.right ?? params.perm_type, 'read')
      const { access, doc } = await permissionSubject(ctx, user, params.doctype, params.docname)
      const byRoles = explain(access, right, doc)
      if (doc === undefined) return { message: byRoles }
      try {
        await assertDocumentRight(asUser, access.meta.name, doc.name, right)
        return { message: { ...byRoles, allowed: true } }
      } catch (error) {
        if (!(error instanceof PermissionError)) throw error
        const because = (error.serverMessages[0]?.message ?? error.message).replace(/<\/?strong>/g, '')
        return { message: { ...byRoles, allowed: false, because } }
      }
    }
  }
}
