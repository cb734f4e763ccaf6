import type {} from '@fastify/cookie'
import type { FastifyReply } from 'fastify'

/** The cookies Frappe sets at login; frappe-js-sdk and frappe-react-sdk read `user_id`. */
const visibleCookies = ['system_user', 'full_name', 'user_id', 'user_image'] as const

export interface SessionCookieValues {
  sid: string
  user: string
  fullName: string
  userType: string
}

/** `sid` is HttpOnly and SameSite=Lax, and Secure when the request came over https. */
export function setSessionCookies (reply: FastifyReply, values: SessionCookieValues, maxAgeSeconds: number): void {
  const secure = reply.request.protocol === 'https'
  const base = { path: '/', sameSite: 'lax' as const, secure, maxAge: maxAgeSeconds }
  reply.setCookie('sid', values.sid, { ...base, httpOnly: true })
  reply.setCookie('system_user', values.userType === 'System User' ? 'yes' : 'no', base)
  reply.setCookie('full_name', values.fullName, base)
  reply.setCookie('user_id', values.user, base)
  reply.setCookie('user_image', '', base)
}

export function clearSessionCookies (reply: FastifyReply): void {
  for (const name of ['sid', ...visibleCookies]) reply.clearCookie(name, { path: '/' })
}
