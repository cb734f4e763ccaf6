import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'

/**
 * The headers a JSON API needs (OWASP's REST security cheat sheet): nothing it sends may run as a
 * page, sit in a frame, be sniffed as another type or be kept by a cache, and HTTPS stays on.
 * helmet's headers that only matter to HTML documents (cross-origin isolation, DNS prefetch,
 * downloads, Flash policies, the XSS auditor) are left out: each header costs every answer, on
 * both ends, and these protect nothing here. Pragma and Expires are left to HTTP/1.0.
 */
const helmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false
} as const

/**
 * helmet's headers for these options, worked out once on a response that is never sent: they do
 * not depend on the request, and setting them one by one on every answer took a tenth of a
 * document read's time (npm run bench).
 */
function constantHeaders (): Record<string, string> {
  const request = new IncomingMessage(new Socket())
  const response = new ServerResponse(request)
  helmet(helmetOptions)(request, response, () => {})
  const headers = Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]))
  // Every answer is about one user's data: no cache may keep it (Frappe's newer versions agree).
  return { ...headers, 'cache-control': 'no-store, max-age=0, private' }
}

/** The API documentation page sets its own policy, which lets its scripts and styles load. */
export const securityHeadersPlugin = fp(async (app: FastifyInstance) => {
  const headers = constantHeaders()
  app.addHook('onRequest', (_request, reply, done) => { reply.headers(headers); done() })
}, { name: 'security-headers' })
