import { PermissionError, ValidationError } from '../../errors.js'
import { permissionSubject, rightParam } from '../../services/document-permissions.js'
import { documentRights, explain, may } from '../../services/permissions.js'
import { systemManager } from '../../services/system-records.js'
import { sharedRights } from '../../services/shares.js'
import { findUser, guestUser, loadRequestUser } from '../../services/users.js'
import type { Right } from '../../meta/definition.js'
import type { MethodDefinition } from './method.js'

/** Frappe's permission questions, and beyond Frappe: why a user may or may not. */
export const permissionMethods: Record<string, MethodDefinition> = {
  'frappe.client.has_permission': {
    run: async ({ ctx, params }) => {
      const { access, doc } = await permissionSubject(ctx, ctx.user, params.doctype, params.docname)
      const right = rightParam(params.perm_type, 'read')
      const shared = doc === undefined ? new Set() : await sharedRights(ctx.db, ctx.registry, ctx.user, access.meta, doc.name)
      return { message: { has_permission: may(access, right, doc) || shared.has(right) } }
    }
  },
  'frappe.client.get_doc_permissions': {
    run: async ({ ctx, params }) => {
      const { access, doc } = await permissionSubject(ctx, ctx.user, params.doctype, params.docname)
      if (doc === undefined) throw new ValidationError('docname must name the document')
      const shared = await sharedRights(ctx.db, ctx.registry, ctx.user, access.meta, doc.name)
      const permissions = Object.fromEntries(Object.entries(documentRights(access, doc)).map(([right, held]) => [right, held === 1 || shared.has(right as Right) ? 1 : 0]))
      return { message: { permissions } }
    }
  },
  'doctype_server.permissions.explain': {
    run: async ({ ctx, params }) => {
      const name = typeof params.user === 'string' && params.user !== '' ? params.user : ctx.user.name
      const record = await findUser(ctx.db, name)
      if (record === undefined) throw new ValidationError(`User ${name} not found`)
      if (record.name !== ctx.user.name && !ctx.user.isAdministrator && !ctx.user.roles.has(systemManager)) {
        throw new PermissionError('Only a System Manager may ask why another user may or may not do something', { errorMessage: 'Not permitted' })
      }
      const user = record.name === guestUser.name ? guestUser : await loadRequestUser(ctx.db, record)
      const { access, doc } = await permissionSubject(ctx, user, params.doctype, params.docname)
      return { message: explain(access, rightParam(params.right ?? params.perm_type, 'read'), doc) }
    }
  }
}
