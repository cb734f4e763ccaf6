import type { FastifyInstance } from 'fastify'
import { ValidationError } from '../../errors.js'

/** Whitelisted methods by their dotted name; each returns what goes into `message`. */
const methods: Readonly<Record<string, () => unknown>> = {
  ping: () => 'pong'
}

/**
 * `/api/method/<name>`: Frappe's RPC routes. Only the part of the path before the first slash
 * names the method; an unknown one is a 417, as in Frappe.
 */
export async function methodRoutes (app: FastifyInstance): Promise<void> {
  app.all<{ Params: { '*': string } }>('/*', async (request) => {
    const name = request.params['*'].split('/')[0] ?? ''
    const method = Object.hasOwn(methods, name) ? methods[name] : undefined
    if (method === undefined) throw new ValidationError(`Failed to get method for command ${name}: this server has no such method`)
    return { message: method() }
  })
}
