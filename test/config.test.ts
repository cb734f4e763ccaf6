import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { configVariables, loadConfig } from '../src/config.js'

t.test('defaults', async (t) => {
  const config = loadConfig({})
  t.match(config, { port: 8000, host: '127.0.0.1', databaseUrl: './data/doctype-server.db', logLevel: 'info', seedDemoData: true, bodyLimit: 25 * 1024 * 1024 })
  t.same(config.doctypesDirs, [])
  t.ok(Object.isFrozen(config))
})

t.test('values from the environment, and unrelated variables ignored', async (t) => {
  const config = loadConfig({ PORT: '9000', HOST: '0.0.0.0', DOCTYPES_DIR: '/a:/b', SEED_DEMO_DATA: 'false', PATH: '/usr/bin', ADMIN_API_KEY: 'adminkey', ADMIN_API_SECRET: 'a-long-admin-secret' })
  t.match(config, { port: 9000, host: '0.0.0.0', seedDemoData: false, adminApiKey: 'adminkey', adminApiSecret: 'a-long-admin-secret' })
  t.same(config.doctypesDirs, ['/a', '/b'])
})

t.test('which proxies are trusted', async (t) => {
  t.equal(loadConfig({}).trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy, ['10.0.0.1', '192.168.0.0/16'])
  t.throws(() => loadConfig({ TRUST_PROXY: 'yes please' }), /TRUST_PROXY/)
  t.equal(loadConfig({ SESSION_EXPIRY: '1:30' }).sessionIdleMs, 90 * 60 * 1000)
  t.throws(() => loadConfig({ SESSION_EXPIRY: '90 minutes' }), /SESSION_EXPIRY/)
})

t.test('a bad value stops with a message naming it', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be integer/)
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL must be equal to one of the allowed values/)
  t.throws(() => loadConfig({ ADMIN_API_KEY: 'adminkey' }), /ADMIN_API_SECRET/)
  t.throws(() => loadConfig({ ADMIN_PASSWORD: 'short' }), /ADMIN_PASSWORD must NOT have fewer than 8 characters/)
})

t.test('every setting is in .env.example and in the README\'s configuration table', async (t) => {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const example = readFileSync(join(root, '.env.example'), 'utf8')
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  for (const variable of configVariables) {
    t.match(example, new RegExp(`^${variable}=`, 'm'), `${variable} in .env.example`)
    t.match(readme, new RegExp(`^\\| \`${variable}\` \\|`, 'm'), `${variable} in the README`)
  }
})

t.test('the new settings are checked', async (t) => {
  t.same(loadConfig({ ALLOW_CORS: 'https://a.example.com, https://b.example.com/' }).allowCors, ['https://a.example.com', 'https://b.example.com'])
  t.equal(loadConfig({ ALLOW_CORS: '*' }).allowCors, '*')
  t.throws(() => loadConfig({ ALLOW_CORS: 'a.example.com' }), /ALLOW_CORS must list origins/)
  t.throws(() => loadConfig({ RATE_LIMIT: '-1' }), /RATE_LIMIT must be >= 0/)
  t.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT must be equal to one of the allowed values/)
  t.match(loadConfig({ RATE_LIMIT: '100', RATE_LIMIT_WINDOW_SECONDS: '10', SHUTDOWN_TIMEOUT_SECONDS: '3' }), { rateLimit: 100, rateLimitWindowMs: 10_000, shutdownTimeoutMs: 3000 })
})
