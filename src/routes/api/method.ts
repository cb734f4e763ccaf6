import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PermissionError, ValidationError } from '../../errors.js'
import { formDict } from '../form-dict.js'
import { keyMethods } from '../methods/keys.js'
import { defaultVerbs, type MethodDefinition } from '../methods/method.js'
import { permissionManagerMethods } from '../methods/permission-manager.js'
import { permissionMethods } from '../methods/permissions.js'
import { sessionMethods } from '../methods/session.js'
import { shareMethods } from '../methods/shares.js'

/** Every whitelisted method by its dotted name. */
export const methods: Readonly<Record<string, MethodDefinition>> = { ...sessionMethods, ...keyMethods, ...permissionMethods, ...permissionManagerMethods, ...shareMethods }

/** Runs a method as Frappe does: known name, allowed verb, Guest only where allowed. */
export async function callMethod (app: FastifyInstance, name: string, request: FastifyRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
  const method = Object.hasOwn(methods, name) ? methods[name] : undefined
  if (method === undefined) throw new ValidationError(`Failed to get method for command ${name}: this server has no such method`)
  const verbs = method.verbs ?? defaultVerbs
  if (!verbs.some((verb) => verb === request.method)) {
    throw new PermissionError(`Not permitted: ${name} answers ${verbs.join(', ')}, not ${request.method}`, { errorMessage: 'Not permitted' })
  }
  if (method.allowGuest !== true && request.user.isGuest) {
    throw new PermissionError(`Not permitted: ${name} needs a logged-in user or an API key`, { errorMessage: 'Not permitted' })
  }
  const ctx = { db: app.db, registry: app.registry, permissions: app.permissions, user: request.user }
  return await method.run({ app, ctx, params: formDict(request), request, reply })
}

/**
 * `/api/method/<name>`: Frappe's RPC routes. Only the part of the path before the first slash
 * names the method; an unknown one is a 417, as in Frappe.
 */
export async function methodRoutes (app: FastifyInstance): Promise<void> {
  app.all<{ Params: { '*': string } }>('/*', async (request, reply) => {
    return await callMethod(app, request.params['*'].split('/')[0] ?? '', request, reply)
  })
}
