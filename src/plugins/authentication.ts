import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { authenticateApiKey, authFailure } from '../services/auth/api-keys.js'
import { guestUser, type RequestUser } from '../services/users.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request runs as; Guest when it carries no credentials. */
    user: RequestUser
  }
}

export interface ApiCredentials {
  apiKey: string
  apiSecret: string
}

const usage = 'Send "Authorization: token <api_key>:<api_secret>" or "Authorization: Basic <base64 of api_key:api_secret>"'
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/

function splitKeyAndSecret (credentials: string): ApiCredentials {
  const colon = credentials.indexOf(':')
  if (colon <= 0 || colon === credentials.length - 1 || credentials.includes(':', colon + 1)) {
    throw authFailure('malformed_header', `The credentials in the Authorization header must be <api_key>:<api_secret>. ${usage}.`)
  }
  return { apiKey: credentials.slice(0, colon), apiSecret: credentials.slice(colon + 1) }
}

/**
 * Reads an Authorization header. Unlike Frappe, whose older versions ran a request with a header
 * they did not understand as Guest, anything but well-formed credentials is a 401 saying why.
 */
export function parseAuthorization (header: string): ApiCredentials {
  const parts = header.trim().split(/\s+/)
  const [scheme = '', value = ''] = parts
  if (parts.length !== 2) throw authFailure('malformed_header', `The Authorization header must hold a scheme and credentials. ${usage}.`)
  switch (scheme.toLowerCase()) {
    case 'token':
      return splitKeyAndSecret(value)
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      if (value.length % 4 !== 0 || !base64Pattern.test(value) || decoded.includes('\uFFFD')) {
        throw authFailure('malformed_header', `The Basic credentials are not valid base64. ${usage}.`)
      }
      return splitKeyAndSecret(decoded)
    }
    default:
      throw authFailure('unsupported_scheme', `The Authorization scheme "${scheme}" is not supported. ${usage}.`)
  }
}

async function authenticate (app: FastifyInstance, request: FastifyRequest): Promise<RequestUser> {
  const header = request.headers.authorization
  if (header === undefined) return guestUser
  const { apiKey, apiSecret } = parseAuthorization(header)
  return await authenticateApiKey(app.db, apiKey, apiSecret)
}

/** Answers "who is this?" for every request, before any route runs; never what they may do. */
export const authenticationPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('user', null as unknown as RequestUser)
  app.addHook('onRequest', async (request) => {
    request.user = await authenticate(app, request)
  })
}, { name: 'authentication', dependencies: ['database'] })
