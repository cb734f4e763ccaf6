import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { buildApp } from '../src/app.js'
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
export async function buildTestApp (t: Test, env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const config = loadConfig({ DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'admin-password', ...env })
  const site = await openSite(config)
  const app = await buildApp({ config, site })
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
