import type {} from '@fastify/cookie'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { authenticateApiKey, type VerifiedKey } from '../services/auth/api-keys.js'
import { authFailure } from '../services/auth/failures.js'
import { ShortLivedCache } from '../services/auth/short-lived-cache.js'
import { resumeSession, type LiveSession } from '../services/auth/sessions.js'
import { bearsOnRoles } from '../services/permission-cache.js'
import { guestUser, type RequestUser } from '../services/users.js'
import { clearSessionCookies } from './session-cookies.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Keys verified in the last second; a key revoked here is dropped from it at once. */
    keyCache: ShortLivedCache<VerifiedKey>
    /** Sessions resumed in the last second; a logout here drops its session at once. */
    sessionCache: ShortLivedCache<LiveSession>
  }
  interface FastifyRequest {
    /** Who the request runs as; Guest when it carries no credentials. */
    user: RequestUser
    /** The session the request came with, when it is a live one. */
    sid: string | undefined
    /** A `sid` was sent that is unknown or expired: Frappe then answers `session_expired: 1`. */
    sessionExpired: boolean
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

/** The `sid` a request names: as a parameter (which wins, as in Frappe) or as the cookie. */
function requestedSid (request: FastifyRequest): string | undefined {
  const param = (request.query as Record<string, unknown>).sid
  const sid = typeof param === 'string' ? param : request.cookies.sid
  return sid === undefined || sid === '' || sid === 'Guest' ? undefined : sid
}

async function keyUser (app: FastifyInstance, request: FastifyRequest): Promise<RequestUser | undefined> {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const { apiKey, apiSecret } = parseAuthorization(header)
  return await authenticateApiKey(app.db, apiKey, apiSecret, request.ip, { attempts: app.config.loginAttempts, lockMs: app.config.loginLockMs }, app.keyCache)
}

/**
 * Answers "who is this?" for every request, before any route runs, and never what they may do:
 * first the session, then the Authorization header. A session user wins over a key user, as in
 * Frappe, but a present and bad header is a 401 all the same.
 */
export const authenticationPlugin = fp(async (app: FastifyInstance) => {
  app.decorate('keyCache', new ShortLivedCache<VerifiedKey>())
  app.decorate('sessionCache', new ShortLivedCache<LiveSession>())
  // The users they hold carry their roles: a change to users or roles made here is in force at once.
  app.permissions.onChange((meta) => {
    if (!bearsOnRoles(meta)) return
    app.keyCache.clear()
    app.sessionCache.clear()
  })
  app.decorateRequest('user', null as unknown as RequestUser)
  app.decorateRequest('sid', undefined)
  app.decorateRequest('sessionExpired', false)
  app.addHook('onRequest', async (request, reply) => {
    const sid = requestedSid(request)
    const sessionUser = sid === undefined ? undefined : await resumeSession(app.db, sid, app.config.sessionIdleMs, app.sessionCache)
    if (sid !== undefined && sessionUser === undefined) {
      request.sessionExpired = true
      clearSessionCookies(reply)
    }
    request.sid = sessionUser === undefined ? undefined : sid
    const headerUser = await keyUser(app, request)
    request.user = sessionUser ?? headerUser ?? guestUser
  })
  app.addHook('preSerialization', (request, _reply, payload, done) => {
    if (!request.sessionExpired || typeof payload !== 'object' || payload === null || Array.isArray(payload)) { done(null, payload); return }
    done(null, { ...payload, session_expired: 1 })
  })
}, { name: 'authentication', dependencies: ['database', '@fastify/cookie'] })
