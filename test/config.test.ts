import t from 'tap'
import { loadConfig } from '../src/config.js'

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
