import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Frappe's allow_cors: an allowed Origin is echoed (never a literal `*`) with credentials, and a
 * preflight answers 200 with the method and headers it asked for, cached for a day. Registered
 * before authentication, so that a preflight, which carries no credentials, is answered first.
 */
export const corsPlugin = fp(async (app: FastifyInstance) => {
  const allowed = app.config.allowCors
  if (allowed !== '*' && allowed.length === 0) return
  // Options are worked out per request, so that the preflight echoes the method asked for.
  await app.register(cors, {
    delegator: (request, callback) => {
      const origin = request.headers.origin
      const requested = request.headers['access-control-request-method']
      callback(null, {
        origin: origin !== undefined && (allowed === '*' || allowed.includes(origin)) ? origin : false,
        methods: typeof requested === 'string' ? requested : ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        credentials: true,
        // Browser apps may read what tells them how to trace a request and when to try again.
        exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
        maxAge: 86400,
        optionsSuccessStatus: 200,
        strictPreflight: false
      })
    }
  })
}, { name: 'cors', dependencies: ['database'] })
