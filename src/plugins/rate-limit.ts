import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { RateLimitExceededError } from '../errors.js'

/** Probes from orchestrators are never limited, nor the documentation page's own files. */
const unlimitedPaths: ReadonlySet<string> = new Set(['/api/method/ping', '/api/health/live', '/api/health/ready'])

function unlimited (request: FastifyRequest): boolean {
  const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '').replace(/^\/api\/v1\//, '/api/')
  return unlimitedPaths.has(path) || path.startsWith('/api/docs/static/')
}

/** Whom a request counts against: its user, however authenticated, or else its address. */
function client (request: FastifyRequest): string {
  return request.user.isGuest ? `address:${request.ip}` : `user:${request.user.name}`
}

/**
 * Beyond Frappe, whose limiter measures server time per site: `RATE_LIMIT` requests per window per
 * client, with X-RateLimit-* headers on every answer and Frappe's 429 RateLimitExceededError with
 * Retry-After past the limit. Counts are kept per process.
 */
export const rateLimitPlugin = fp(async (app: FastifyInstance) => {
  if (app.config.rateLimit === 0) return
  await app.register(rateLimit, {
    global: true,
    max: app.config.rateLimit,
    timeWindow: app.config.rateLimitWindowMs,
    keyGenerator: client,
    allowList: unlimited,
    errorResponseBuilder: (_request, context) => new RateLimitExceededError(
      `You hit the rate limit because of too many requests. Please try after sometime. (${context.max} requests per ${context.after} for each client)`
    )
  })
}, { name: 'rate-limit', dependencies: ['authentication'] })
