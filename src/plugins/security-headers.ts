import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'

/**
 * Headers fit for a JSON API: nothing it sends may run as a page or sit in a frame. The API
 * documentation page sets its own policy, which lets its scripts and styles load.
 *
 * helmet itself rather than @fastify/helmet: the plugin builds helmet's middleware again on every
 * request, which cost a quarter of the throughput of a document read (npm run bench); built once,
 * it costs next to nothing.
 */
export const securityHeadersPlugin = fp(async (app: FastifyInstance) => {
  const secure = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'cross-origin' }
  })
  app.addHook('onRequest', (request, reply, done) => { secure(request.raw, reply.raw, (error?: unknown) => { done(error instanceof Error ? error : undefined) }) })
}, { name: 'security-headers' })
