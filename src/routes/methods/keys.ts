import { DoesNotExistError, PermissionError, ValidationError } from '../../errors.js'
import { normalizeDatetime } from '../../meta/field-values.js'
import { createApiKey, keyOwner, listApiKeys, regenerateSecret, revokeApiKey } from '../../services/auth/api-keys.js'
import { systemManager } from '../../services/system-records.js'
import type { RequestUser } from '../../services/users.js'
import type { MethodCall, MethodDefinition } from './method.js'

function managesAllKeys (user: RequestUser): boolean {
  return user.isAdministrator || user.roles.has(systemManager)
}

/** System Manager manages anyone's keys; every other user only their own. */
function assertManagesKeysOf (user: RequestUser, owner: string): void {
  if (user.name.toLowerCase() === owner.toLowerCase() || managesAllKeys(user)) return
  throw new PermissionError(`Only ${owner} and a System Manager may manage the API keys of ${owner}`, { errorMessage: 'Not permitted' })
}

function targetUser ({ ctx, params }: MethodCall): string {
  const user = params.user ?? ctx.user.name
  if (typeof user !== 'string' || user === '') throw new ValidationError('user must be a user id')
  assertManagesKeysOf(ctx.user, user)
  return user
}

/** `expires_at` as a date or datetime (server time), or `expires_in_days`. */
function expiry (params: MethodCall['params']): number | undefined {
  if (params.expires_at !== undefined && params.expires_at !== '') {
    const stored = typeof params.expires_at === 'string' ? normalizeDatetime(params.expires_at) : undefined
    if (stored === undefined) throw new ValidationError('expires_at must be a date or datetime such as 2027-01-31 or 2027-01-31 18:00:00')
    return new Date(stored.replace(' ', 'T')).getTime()
  }
  if (params.expires_in_days !== undefined && params.expires_in_days !== '') {
    const days = Number(params.expires_in_days)
    if (!Number.isFinite(days) || days <= 0 || days > 36_500) throw new ValidationError('expires_in_days must be a number of days from above 0 to 36500')
    return Date.now() + days * 86_400_000
  }
  return undefined
}

/** Frappe's generate_keys, and beyond Frappe: several named, expiring, revocable keys per user. */
export const keyMethods: Record<string, MethodDefinition> = {
  'frappe.core.doctype.user.user.generate_keys': {
    summary: 'System Manager: a new API secret for the user\'s key',
    params: { user: 'user id' },
    verbs: ['POST'],
    run: async ({ app, ctx, params }) => {
      if (!managesAllKeys(ctx.user)) throw new PermissionError('Only a System Manager may generate keys', { errorMessage: 'Not permitted' })
      if (typeof params.user !== 'string' || params.user === '') throw new ValidationError('user must be a user id')
      const issued = await regenerateSecret(app.db, params.user)
      app.keyCache.delete(issued.api_key)
      return { message: { api_secret: issued.api_secret } }
    }
  },
  'doctype_server.keys.list': {
    summary: 'A user\'s API keys, never their secrets',
    params: { user: 'user id (System Manager only; default: yourself)' },
    run: async (call) => ({ message: await listApiKeys(call.app.db, targetUser(call)) })
  },
  'doctype_server.keys.create': {
    summary: 'A new named API key; the answer holds its secret, once',
    params: { user: 'user id (System Manager only; default: yourself)', label: 'what the key is for', expires_at: 'date or datetime after which it is refused', expires_in_days: 'days until it is refused' },
    verbs: ['POST'],
    run: async (call) => {
      const { ctx, params, request } = call
      if (request.sid === undefined && !managesAllKeys(ctx.user)) {
        throw new PermissionError('New keys are created while logged in with a password: a key cannot mint keys that outlive it', { errorMessage: 'Not permitted' })
      }
      const label = params.label
      if (label !== undefined && typeof label !== 'string') throw new ValidationError('label must be text')
      return { message: await createApiKey(call.app.db, targetUser(call), { label, expiresAt: expiry(params) }) }
    }
  },
  'doctype_server.keys.revoke': {
    summary: 'Refuse an API key from now on',
    params: { api_key: 'the key to revoke' },
    verbs: ['POST'],
    run: async ({ app, ctx, params }) => {
      const apiKey = params.api_key
      if (typeof apiKey !== 'string' || apiKey === '') throw new ValidationError('api_key must name the key to revoke')
      const owner = await keyOwner(app.db, apiKey)
      // Someone else's key looks missing to a user who may not manage it: no probing for keys.
      if (owner === undefined || (!managesAllKeys(ctx.user) && owner.toLowerCase() !== ctx.user.name.toLowerCase())) {
        throw new DoesNotExistError(`API key ${apiKey} not found`)
      }
      await revokeApiKey(app.db, apiKey)
      app.keyCache.delete(apiKey)
      return { message: { api_key: apiKey, revoked: 1 } }
    }
  }
}
