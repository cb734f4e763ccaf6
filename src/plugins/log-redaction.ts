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
const secretParameters: ReadonlySet<string> = new Set(['pwd', 'password', 'sid', 'api_secret', 'csrf_token'])

function decodedName (part: string): string {
  const name = part.split('=')[0] ?? ''
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase()
  } catch {
    return name.toLowerCase()
  }
}

/** The URL with the values of secret parameters masked, however their names were encoded. */
export function redactUrl (url: string): string {
  const start = url.indexOf('?')
  if (start === -1) return url
  const parts = url.slice(start + 1).split('&').map((part) =>
    secretParameters.has(decodedName(part)) ? `${part.split('=')[0] ?? ''}=[Redacted]` : part)
  return `${url.slice(0, start)}?${parts.join('&')}`
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
