import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { setPassword } from '../../../src/services/user-admin.js'
import { buildTestApp, call, cookies, serverMessages, sidOf, tokenHeader, type TestApp } from '../../helper.js'

const password = 'sales-password-1'

async function withPassword (testApp: TestApp): Promise<TestApp> {
  await setPassword(testApp.site.db, 'sales@example.com', password)
  return testApp
}

async function loggedInAs (app: TestApp['app'], sid: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url: '/api/method/frappe.auth.get_logged_user', cookies: { sid } })
  return { status: res.statusCode, body: res.json() }
}

t.test('login by JSON, form fields and query parameters', async (t) => {
  const { app } = await withPassword(await buildTestApp(t))
  const ways = [
    { label: 'JSON', method: 'POST' as const, url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } },
    { label: 'form', method: 'POST' as const, url: '/api/method/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `usr=sales%40example.com&pwd=${password}` },
    { label: 'query', method: 'POST' as const, url: `/api/method/login?usr=SALES@example.com&pwd=${password}` }
  ]
  for (const { label, ...options } of ways) {
    const res = await app.inject(options)
    t.equal(res.statusCode, 200, label)
    t.same(res.json(), { message: 'Logged In', home_page: '/app', full_name: 'Sam Seller' }, `${label}: Frappe's answer`)
    const sid = cookies(res).sid ?? ''
    t.match(sid, /^sid=[0-9a-f]{56}; Max-Age=612000; Path=\/; HttpOnly; SameSite=Lax$/, `${label}: an HttpOnly SameSite=Lax sid cookie for 170 hours`)
    t.match(cookies(res).user_id, /^user_id=sales(@|%40)example.com;/, `${label}: user_id for the js SDKs`)
    t.same((await loggedInAs(app, sidOf(res))).body, { message: 'sales@example.com' }, `${label}: the cookie works`)
  }
})

t.test('the session cookie is Secure behind an https proxy, when the proxy is trusted', async (t) => {
  const trusting = await withPassword(await buildTestApp(t, { TRUST_PROXY: 'true' }))
  const viaHttps = await trusting.app.inject({ method: 'POST', url: '/api/method/login', headers: { 'x-forwarded-proto': 'https' }, payload: { usr: 'sales@example.com', pwd: password } })
  t.match(cookies(viaHttps).sid, /; Secure;/)
  const plain = await withPassword(await buildTestApp(t))
  const notTrusted = await plain.app.inject({ method: 'POST', url: '/api/method/login', headers: { 'x-forwarded-proto': 'https' }, payload: { usr: 'sales@example.com', pwd: password } })
  t.notMatch(cookies(notTrusted).sid, /Secure/)
})

t.test('sid as a parameter, logout, and sessions that end', async (t) => {
  const { app } = await withPassword(await buildTestApp(t))
  const login = await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } })
  const sid = sidOf(login)
  const byParam = await app.inject({ method: 'GET', url: `/api/resource/Customer?sid=${sid}` })
  t.equal(byParam.statusCode, 200, 'sid as a query parameter, as Frappe\'s tests send it')

  const logout = await app.inject({ method: 'POST', url: '/api/method/logout', cookies: { sid } })
  t.equal(logout.statusCode, 200)
  t.same(logout.json(), {})
  t.match(cookies(logout).sid, /^sid=; Max-Age=0;|^sid=;.*Expires=Thu, 01 Jan 1970/, 'the cookie is expired')

  const after = await loggedInAs(app, sid)
  t.equal(after.status, 401, 'the session is gone: a method that needs a user says so')
  t.match(after.body, { exc_type: 'AuthenticationError', reason: 'session_expired', session_expired: 1 })
  const ping = await app.inject({ method: 'GET', url: '/api/method/ping', cookies: { sid } })
  t.same(ping.json(), { message: 'pong', session_expired: 1 }, 'a Guest request still works, flagged as Frappe flags it')
  t.match(cookies(ping).sid, /^sid=;/, 'and clears the stale cookie')
  const unknown = await app.inject({ method: 'GET', url: '/api/method/ping', cookies: { sid: 'made-up' } })
  t.same(unknown.json(), { message: 'pong', session_expired: 1 })
})

t.test('idle sessions expire; use keeps them alive', async (t) => {
  const { app } = await withPassword(await buildTestApp(t, { SESSION_EXPIRY: '0:00:01' }))
  const login = await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } })
  t.match(cookies(login).sid, /Max-Age=1;/)
  t.equal((await loggedInAs(app, sidOf(login))).status, 200)
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.match((await loggedInAs(app, sidOf(login))).body, { reason: 'session_expired' })
})

t.test('login failures: Frappe\'s texts, a reason, and the same answer for unknown users', async (t) => {
  const { app, site } = await withPassword(await buildTestApp(t))
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['no password', { usr: 'sales@example.com' }, 'Incomplete login details', 'incomplete_login'],
    ['no user', { pwd: 'x' }, 'Incomplete login details', 'incomplete_login'],
    ['wrong password', { usr: 'sales@example.com', pwd: 'nope' }, 'Invalid login credentials', 'bad_password'],
    ['unknown user', { usr: 'nobody@example.com', pwd: 'nope' }, 'Invalid login credentials', 'bad_password'],
    ['a user without a password', { usr: 'viewer@example.com', pwd: 'nope' }, 'Invalid login credentials', 'bad_password'],
    ['Guest', { usr: 'Guest', pwd: '' }, 'Incomplete login details', 'incomplete_login'],
    ['a huge password', { usr: 'sales@example.com', pwd: 'x'.repeat(600) }, 'Invalid login credentials', 'bad_password']
  ]
  for (const [label, payload, message, reason] of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/method/login', payload })
    t.equal(res.statusCode, 401, label)
    t.match(res.json(), { exc_type: 'AuthenticationError', message, reason }, label)
    t.notOk(cookies(res).sid?.startsWith('sid=') === true && sidOf(res) !== '', `${label}: no session`)
  }
  await site.db.updateTable('tabUser').set({ enabled: 0 }).where('name', '=', 'sales@example.com').execute()
  const disabled = await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } })
  t.match(disabled.json(), { message: 'User disabled or missing', reason: 'user_disabled' })
  t.equal(disabled.statusCode, 401)
})

t.test('a disabled user is refused at once: sessions and keys', async (t) => {
  const { app, site, keys } = await withPassword(await buildTestApp(t))
  const login = await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } })
  await site.db.updateTable('tabUser').set({ enabled: 0 }).where('name', '=', 'sales@example.com').execute()
  t.match((await loggedInAs(app, sidOf(login))).body, { reason: 'user_disabled' })
  const key = await call(app, keys.sales, { method: 'GET', url: '/api/method/frappe.auth.get_logged_user' })
  t.match(key.json(), { reason: 'user_disabled' })
})

t.test('session and header together', async (t) => {
  const { app, keys } = await withPassword(await buildTestApp(t))
  const sid = sidOf(await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } }))
  const both = await app.inject({ method: 'GET', url: '/api/method/frappe.auth.get_logged_user', cookies: { sid }, headers: { authorization: tokenHeader(keys.manager) } })
  t.same(both.json(), { message: 'sales@example.com' }, 'the session user wins, as in Frappe')
  const badHeader = await app.inject({ method: 'GET', url: '/api/method/frappe.auth.get_logged_user', cookies: { sid }, headers: { authorization: 'token nope:nope' } })
  t.equal(badHeader.statusCode, 401, 'a bad header is a 401 even beside a good session')
})

t.test('Frappe\'s methods for who is asking', async (t) => {
  const { app, keys } = await buildTestApp(t)
  t.same((await call(app, keys.administrator, { method: 'GET', url: '/api/method/frappe.auth.get_logged_user' })).json(), { message: 'Administrator' })
  const guest = await call(app, undefined, { method: 'GET', url: '/api/method/frappe.auth.get_logged_user' })
  t.equal(guest.statusCode, 403)
  t.equal(guest.json().exc_type, 'PermissionError')
  t.same((await call(app, undefined, { method: 'GET', url: '/api/method/frappe.realtime.get_user_info' })).json(), { message: { user: 'Guest' } })
  t.same((await call(app, keys.viewer, { method: 'POST', url: '/api/method/frappe.realtime.get_user_info' })).json(), { message: { user: 'viewer@example.com' } })
  const patch = await call(app, keys.viewer, { method: 'PATCH', url: '/api/method/frappe.auth.get_logged_user' })
  t.equal(patch.statusCode, 403, 'PATCH is not an allowed verb, as in Frappe')
})

t.test('two server processes on one database file share sessions and revocations', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'two-apps-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const env = { DATABASE_URL: join(dir, 'site.db') }
  const first = await withPassword(await buildTestApp(t, env))
  const second = await buildTestApp(t, env)
  const sid = sidOf(await first.app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } }))
  t.same((await loggedInAs(second.app, sid)).body, { message: 'sales@example.com' }, 'a session from one is good at the other')

  const key = second.keys.viewer
  t.equal((await call(second.app, key, { method: 'GET', url: '/api/resource/ToDo' })).statusCode, 200)
  const revoked = await call(first.app, first.keys.manager, { method: 'POST', url: '/api/method/doctype_server.keys.revoke', payload: { api_key: key.api_key } })
  t.equal(revoked.statusCode, 200)
  t.equal((await call(first.app, key, { method: 'GET', url: '/api/resource/ToDo' })).json().reason, 'key_revoked', 'refused at once where it was revoked')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const refused = await call(second.app, key, { method: 'GET', url: '/api/resource/ToDo' })
  t.equal(refused.statusCode, 401, 'and by the other within a second, the key cache\'s bound')
  t.equal(refused.json().reason, 'key_revoked')

  await second.app.inject({ method: 'POST', url: '/api/method/logout', cookies: { sid } })
  t.match((await loggedInAs(first.app, sid)).body, { reason: 'session_expired' }, 'a logout at one ends the session at both')
})

t.test('the python frappeclient\'s cmd calls on /', async (t) => {
  const { app } = await withPassword(await buildTestApp(t))
  const login = await app.inject({ method: 'POST', url: `/?cmd=login&usr=sales%40example.com&pwd=${password}` })
  t.equal(login.statusCode, 200)
  t.equal(login.json().message, 'Logged In')
  const sid = sidOf(login)
  const me = await app.inject({ method: 'GET', url: '/?cmd=frappe.auth.get_logged_user', cookies: { sid } })
  t.same(me.json(), { message: 'sales@example.com' })
  const logout = await app.inject({ method: 'GET', url: '/?cmd=logout', cookies: { sid } })
  t.same(logout.json(), {})
  t.equal((await app.inject({ method: 'GET', url: '/?cmd=no.such.method' })).statusCode, 417)
  t.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 404)
  t.match(serverMessages((await app.inject({ method: 'GET', url: '/' })).json())[0]?.message, /cmd=<method>/)
})
