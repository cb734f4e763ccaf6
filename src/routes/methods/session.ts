import { login } from '../../services/auth/login.js'
import { endSession } from '../../services/auth/sessions.js'
import { clearSessionCookies, setSessionCookies } from '../../plugins/session-cookies.js'
import type { MethodDefinition } from './method.js'

/** Frappe's login, logout and who-am-I methods. */
export const sessionMethods: Record<string, MethodDefinition> = {
  login: {
    summary: 'Log in with a password: sets the sid cookie',
    params: { usr: 'user id or email', pwd: 'password' },
    allowGuest: true,
    verbs: ['GET', 'POST'],
    run: async ({ app, params, request, reply }) => {
      const { sessionIdleMs, loginAttempts, loginLockMs } = app.config
      const session = await login(app.db, params.usr, params.pwd, request.ip, { sessionIdleMs, throttle: { attempts: loginAttempts, lockMs: loginLockMs } })
      setSessionCookies(reply, session, Math.floor(sessionIdleMs / 1000))
      const desk = session.userType === 'System User'
      return { message: desk ? 'Logged In' : 'No App', home_page: desk ? '/app' : '/me', full_name: session.fullName }
    }
  },
  logout: {
    summary: 'End the session and expire its cookies',
    allowGuest: true,
    run: async ({ app, request, reply }) => {
      if (request.sid !== undefined) await endSession(app.db, request.sid, app.sessionCache)
      clearSessionCookies(reply)
      return {}
    }
  },
  ping: {
    summary: 'Answers pong: the server is up',
    allowGuest: true,
    run: async () => ({ message: 'pong' })
  },
  'frappe.auth.get_logged_user': {
    summary: 'The user the request runs as',
    run: async ({ ctx }) => ({ message: ctx.user.name })
  },
  'frappe.realtime.get_user_info': {
    summary: 'The user the request runs as, Guest included',
    allowGuest: true,
    run: async ({ ctx }) => ({ message: { user: ctx.user.name } })
  }
}
