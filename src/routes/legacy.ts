import type { FastifyInstance } from 'fastify'
import { DoesNotExistError } from '../errors.js'
import { callMethod } from './api/method.js'
import { formDict } from './form-dict.js'

/**
 * The python frappeclient's RPC: `/` with `cmd=<method>` (login with `usr` and `pwd` in the query
 * string, logout, any method this server has), answered as `/api/method/<cmd>` is.
 */
export async function legacyRoutes (app: FastifyInstance): Promise<void> {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    url: '/',
    handler: async (request, reply) => {
      const cmd = formDict(request).cmd
      if (typeof cmd !== 'string' || cmd === '') throw new DoesNotExistError('Send cmd=<method> to call a method here; the REST API is under /api')
      return await callMethod(app, cmd, request, reply)
    }
  })
}
