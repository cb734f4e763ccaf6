import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { setPassword } from '../../../src/services/user-admin.js'
import { buildTestApp, call, serverMessages, sidOf, tokenHeader } from '../../helper.js'

t.test('generate_keys keeps the user\'s key and issues a new secret', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const first = await call(app, keys.manager, { method: 'POST', url: '/api/method/frappe.core.doctype.user.user.generate_keys', payload: { user: 'viewer@example.com' } })
  t.equal(first.statusCode, 200)
  const secret = first.json().message.api_secret as string
  t.match(first.json(), { message: { api_secret: /^[0-9a-f]{48}$/ } })
  const user = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/User/viewer@example.com' })).json().data
  t.match(user.api_key, /^[0-9a-f]{15}$/, 'the key is on the User, where Frappe clients read it')
  const works = await app.inject({ method: 'GET', url: '/api/method/frappe.auth.get_logged_user', headers: { authorization: `token ${user.api_key as string}:${secret}` } })
  t.same(works.json(), { message: 'viewer@example.com' })

  const second = await call(app, keys.manager, { method: 'POST', url: '/api/method/frappe.core.doctype.user.user.generate_keys', payload: { user: 'viewer@example.com' } })
  const again = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/User/viewer@example.com' })).json().data
  t.equal(again.api_key, user.api_key, 'the same key')
  const old = await app.inject({ method: 'GET', url: '/api/method/frappe.auth.get_logged_user', headers: { authorization: `token ${user.api_key as string}:${secret}` } })
  t.equal(old.json().reason, 'bad_secret', 'the old secret no longer works')
  const fresh = await app.inject({ method: 'GET', url: '/api/method/frappe.auth.get_logged_user', headers: { authorization: `token ${user.api_key as string}:${second.json().message.api_secret as string}` } })
  t.equal(fresh.statusCode, 200)

  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/method/frappe.core.doctype.user.user.generate_keys', payload: { user: 'sales@example.com' } })).statusCode, 403, 'System Manager only')
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/method/frappe.core.doctype.user.user.generate_keys?user=viewer@example.com' })).statusCode, 403, 'POST only')
  t.equal((await call(app, keys.manager, { method: 'POST', url: '/api/method/frappe.core.doctype.user.user.generate_keys', payload: { user: 'ghost@example.com' } })).statusCode, 404)
})

t.test('named keys: create, list, use, revoke; never a secret in a list', async (t) => {
  const { app, keys, site } = await buildTestApp(t)
  await setPassword(site.db, 'sales@example.com', 'sales-password')
  const sid = sidOf(await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: 'sales-password' } }))
  const asSession = async (options: InjectOptions): Promise<LightMyRequestResponse> => await app.inject({ ...options, cookies: { sid } })
  const byKey = await call(app, keys.sales, { method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { label: 'from a key' } })
  t.equal(byKey.statusCode, 403, 'a key cannot mint keys that outlive it')
  const created = await asSession({ method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { label: 'ETL job', expires_in_days: 30 } })
  t.equal(created.statusCode, 200)
  const key = created.json().message
  t.match(key, { user: 'sales@example.com', label: 'ETL job', revoked: 0, last_used: null, api_key: /^[0-9a-f]{15}$/, api_secret: /^[0-9a-f]{48}$/ })
  t.ok(Date.parse(key.expires_at as string) > Date.now() + 29 * 86_400_000, 'expires in 30 days')

  const use = await app.inject({ method: 'GET', url: '/api/resource/Customer', headers: { authorization: `token ${key.api_key as string}:${key.api_secret as string}` } })
  t.equal(use.statusCode, 200)
  const listed = await call(app, keys.sales, { method: 'GET', url: '/api/method/doctype_server.keys.list' })
  const mine = listed.json().message as Array<Record<string, unknown>>
  t.equal(mine.length, 2, 'the test key and the new one')
  t.notOk(JSON.stringify(mine).includes(key.api_secret as string), 'no secret in the list')
  t.notOk(mine.some((k) => 'secret_hash' in k || 'api_secret' in k))
  t.match(mine.find((k) => k.api_key === key.api_key), { last_used: /^\d{4}-\d{2}-\d{2} / }, 'the last use is recorded')

  t.equal((await call(app, keys.sales, { method: 'GET', url: '/api/method/doctype_server.keys.list?user=manager@example.com' })).statusCode, 403, 'not someone else\'s keys')
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/method/doctype_server.keys.list?user=sales@example.com' })).json().message.length, 2, 'but a System Manager sees anyone\'s')
  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/method/doctype_server.keys.revoke', payload: { api_key: keys.manager.api_key } })).statusCode, 404, 'nor revoke them: they look missing')
  t.equal((await asSession({ method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { user: 'manager@example.com' } })).statusCode, 403, 'nor create them')
  t.equal((await asSession({ method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { expires_in_days: 1e9 } })).statusCode, 417, 'an expiry past the year 9999')

  const revoked = await call(app, keys.sales, { method: 'POST', url: '/api/method/doctype_server.keys.revoke', payload: { api_key: key.api_key } })
  const listedAfter = (await call(app, keys.manager, { method: 'GET', url: '/api/method/doctype_server.keys.list?user=SALES@example.com' })).json().message
  t.equal(listedAfter.length, 2, 'a user named in another letter case is the same user')
  t.same(revoked.json(), { message: { api_key: key.api_key, revoked: 1 } })
  const refused = await app.inject({ method: 'GET', url: '/api/resource/Customer', headers: { authorization: `token ${key.api_key as string}:${key.api_secret as string}` } })
  t.match(refused.json(), { exc_type: 'AuthenticationError', reason: 'key_revoked' })
  t.equal(refused.statusCode, 401)

  const expiring = await asSession({ method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { label: 'short', expires_at: '2099-01-01' } })
  await site.db.updateTable('api_keys').set({ expires_at: Date.now() - 1000 }).where('api_key', '=', expiring.json().message.api_key as string).execute()
  const expired = await app.inject({ method: 'GET', url: '/api/resource/Customer', headers: { authorization: `token ${expiring.json().message.api_key as string}:${expiring.json().message.api_secret as string}` } })
  t.match(expired.json(), { reason: 'key_expired' })
  t.match(serverMessages(expired.json())[0]?.message, /expired on/)

  const badExpiry = await asSession({ method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { expires_at: 'soon' } })
  t.equal(badExpiry.statusCode, 417)
  const pastExpiry = await asSession({ method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { expires_at: '2001-01-01' } })
  t.equal(pastExpiry.statusCode, 417)
  t.equal((await call(app, undefined, { method: 'GET', url: '/api/method/doctype_server.keys.list' })).statusCode, 403, 'Guest has no keys to list')
})

t.test('failed logins lock the user and the client address, then release them', async (t) => {
  const { app, site } = await buildTestApp(t, { LOGIN_ATTEMPTS: '3', LOGIN_LOCK_SECONDS: '1' })
  await setPassword(site.db, 'sales@example.com', 'right-password')
  const attempt = async (pwd: string, usr = 'sales@example.com', remoteAddress = '10.0.0.1'): Promise<Awaited<ReturnType<typeof app.inject>>> =>
    await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr, pwd }, remoteAddress })
  for (let i = 1; i <= 3; i++) t.equal((await attempt('wrong')).statusCode, 401, `failure ${i}`)
  const locked = await attempt('right-password')
  t.equal(locked.statusCode, 429, 'locked, even with the right password')
  t.equal(locked.json().exc_type, 'TooManyRequestsError')
  t.match(serverMessages(locked.json())[0]?.message, /^Your account has been locked and will resume after 1 seconds$/)
  t.equal(locked.headers['retry-after'], '1')
  t.equal((await attempt('right-password', 'sales@example.com', '10.0.0.2')).statusCode, 429, 'the user is locked from any address')
  t.equal((await attempt('x', 'manager@example.com', '10.0.0.1')).statusCode, 429, 'and the address for any user')
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.equal((await attempt('right-password')).statusCode, 200, 'released after the interval')
})

t.test('failed key checks from one address lock it out too', async (t) => {
  const { app, keys } = await buildTestApp(t, { LOGIN_ATTEMPTS: '3', LOGIN_LOCK_SECONDS: '60' })
  const request = async (authorization: string, remoteAddress: string): Promise<number> =>
    (await app.inject({ method: 'GET', url: '/api/resource/ToDo', headers: { authorization }, remoteAddress })).statusCode
  for (let i = 0; i < 3; i++) t.equal(await request(`token ${keys.viewer.api_key}:guess-${i}`, '10.0.0.9'), 401)
  t.equal(await request(tokenHeader(keys.viewer), '10.0.0.9'), 429, 'locked, even with the right secret')
  t.equal(await request(tokenHeader(keys.viewer), '10.0.0.10'), 200, 'other addresses are not')
})

t.test('verified keys are cached for one second at most', async (t) => {
  const { app, keys, site } = await buildTestApp(t)
  const request = async (): Promise<number> => (await call(app, keys.viewer, { method: 'GET', url: '/api/resource/ToDo' })).statusCode
  t.equal(await request(), 200)
  await site.db.updateTable('api_keys').set({ revoked: 1 }).where('api_key', '=', keys.viewer.api_key).execute()
  const revokedAt = Date.now()
  let status = await request()
  while (status === 200 && Date.now() - revokedAt < 3000) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    status = await request()
  }
  t.equal(status, 401, 'a key revoked by another process is refused')
  t.ok(Date.now() - revokedAt <= 1100, `within the bound (${Date.now() - revokedAt} ms)`)
})

t.test('revoked keys stay revoked: generate_keys and ADMIN_API_KEY do not bring them back', async (t) => {
  const env = { ADMIN_API_KEY: 'adminkey123', ADMIN_API_SECRET: 'admin-secret-123' }
  const { app, keys, site } = await buildTestApp(t, env)
  const first = await call(app, keys.manager, { method: 'POST', url: '/api/method/frappe.core.doctype.user.user.generate_keys', payload: { user: 'viewer@example.com' } })
  const user = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/User/viewer@example.com' })).json().data
  await call(app, keys.manager, { method: 'POST', url: '/api/method/doctype_server.keys.revoke', payload: { api_key: user.api_key } })
  const second = await call(app, keys.manager, { method: 'POST', url: '/api/method/frappe.core.doctype.user.user.generate_keys', payload: { user: 'viewer@example.com' } })
  const after = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/User/viewer@example.com' })).json().data
  t.not(after.api_key, user.api_key, 'a revoked key is replaced, not revived')
  t.equal((await app.inject({ method: 'GET', url: '/api/resource/ToDo', headers: { authorization: `token ${user.api_key as string}:${second.json().message.api_secret as string}` } })).json().reason, 'bad_secret', 'the new secret does not open the old key')
  t.not(first.json().message.api_secret, second.json().message.api_secret)

  await call(app, keys.manager, { method: 'POST', url: '/api/method/doctype_server.keys.revoke', payload: { api_key: 'adminkey123' } })
  const { ensureSystemRecords } = await import('../../../src/services/system-records.js')
  await ensureSystemRecords(site.db, site.registry, { adminPassword: undefined, adminKey: { api_key: 'adminkey123', api_secret: 'admin-secret-123' } })
  const row = await site.db.selectFrom('api_keys').select('revoked').where('api_key', '=', 'adminkey123').executeTakeFirstOrThrow()
  t.equal(row.revoked, 1, 'a restart with ADMIN_API_KEY leaves it revoked')
  await t.rejects(ensureSystemRecords(site.db, site.registry, { adminPassword: undefined, adminKey: { api_key: keys.viewer.api_key, api_secret: 'taken-over-123' } }), /belongs to another user/, 'and never takes another user\'s key')
})

t.test('parallel guesses cannot outrun the lockout, and a user is one user by id or email', async (t) => {
  const { app, site } = await buildTestApp(t, { LOGIN_ATTEMPTS: '3', LOGIN_LOCK_SECONDS: '60' })
  await setPassword(site.db, 'Administrator', 'right-password')
  const guesses = await Promise.all(Array.from({ length: 12 }, async (_, i) =>
    (await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'Administrator', pwd: `guess-${i}` }, remoteAddress: `10.1.0.${i}` })).statusCode))
  t.equal(guesses.filter((status) => status === 401).length, 3, 'only the allowed number were checked')
  t.equal(guesses.filter((status) => status === 429).length, 9)
  const byEmail = await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'admin@example.com', pwd: 'right-password' }, remoteAddress: '10.2.0.1' })
  t.equal(byEmail.statusCode, 429, 'the email names the same, locked user')
})
