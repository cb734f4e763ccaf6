import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { buildApp, type AppOptions } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { createApiKey, type IssuedKey } from '../src/services/auth/api-keys.js'
import { openSite, type Site } from '../src/startup.js'

export interface TestApp {
  app: FastifyInstance
  site: Site
  config: Config
  /** Keys of the demo users and Administrator. */
  keys: Record<'administrator' | 'manager' | 'sales' | 'viewer', IssuedKey>
}

/** The real app on a fresh in-memory database with the demo data; closed when the test ends. */
export async function buildTestApp (t: Test, env: NodeJS.ProcessEnv = {}, logStream?: AppOptions['logStream']): Promise<TestApp> {
  const config = loadConfig({ DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'admin-password', ...env })
  const site = await openSite(config)
  const app = await buildApp({ config, site, logStream })
  t.teardown(async () => { await app.close() })
  const keys = {
    administrator: await createApiKey(site.db, 'Administrator'),
    manager: await createApiKey(site.db, 'manager@example.com'),
    sales: await createApiKey(site.db, 'sales@example.com'),
    viewer: await createApiKey(site.db, 'viewer@example.com')
  }
  return { app, site, config, keys }
}

export function tokenHeader (key: IssuedKey, scheme = 'token'): string {
  return `${scheme} ${key.api_key}:${key.api_secret}`
}

export function basicHeader (key: IssuedKey, scheme = 'Basic'): string {
  return `${scheme} ${Buffer.from(`${key.api_key}:${key.api_secret}`).toString('base64')}`
}

/** Sends a request as the holder of `key` (or as Guest without one). */
export async function call (app: FastifyInstance, key: IssuedKey | undefined, options: InjectOptions): Promise<LightMyRequestResponse> {
  const headers = { ...(options.headers ?? {}), ...(key === undefined ? {} : { authorization: tokenHeader(key) }) }
  return await app.inject({ ...options, headers })
}

/** `_server_messages` decoded in Frappe's two steps. */
export function serverMessages (body: { _server_messages?: string }): Array<Record<string, unknown>> {
  const outer = JSON.parse(body._server_messages ?? '[]') as string[]
  return outer.map((inner) => JSON.parse(inner) as Record<string, unknown>)
}

/** A URL with JSON-valued query parameters, encoded as clients encode them. */
export function listUrl (doctype: string, params: Record<string, unknown>): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) query.set(key, typeof value === 'string' ? value : JSON.stringify(value))
  return `/api/resource/${encodeURIComponent(doctype)}?${query.toString()}`
}

/** The `name=value` of each Set-Cookie header, by cookie name, with its attributes. */
export function cookies (response: LightMyRequestResponse): Record<string, string> {
  const header = response.headers['set-cookie']
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header]
  return Object.fromEntries(lines.map((line) => [line.split('=')[0] ?? '', line]))
}

/** The value of the `sid` cookie a login set. */
export function sidOf (response: LightMyRequestResponse): string {
  return /^sid=([^;]*)/.exec(cookies(response).sid ?? '')?.[1] ?? ''
}
