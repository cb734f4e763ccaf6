import type { FastifyRequest } from 'fastify'

/** Paths that may carry secrets in a log line; none is ever written. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.pwd',
  '*.password',
  '*.api_secret',
  '*.sid'
]

/** Query parameters that carry secrets: python frappeclient logs in with `?usr=..&pwd=..`. */
const secretParameters = /([?&](?:pwd|password|sid|api_secret|csrf_token)=)[^&#]*/gi

export function redactUrl (url: string): string {
  return url.replace(secretParameters, '$1[Redacted]')
}

/** Fastify's request log fields, with secrets in the query string masked. */
export function requestSerializer (request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort
  }
}
