import { Writable } from 'node:stream'
import t from 'tap'
import { setPassword } from '../../src/services/user-admin.js'
import { basicHeader, buildTestApp, call, sidOf, tokenHeader } from '../helper.js'

t.test('no password, secret or session id reaches a log line', async (t) => {
  let logged = ''
  const stream = new Writable({ write (chunk: Buffer, _encoding, done) { logged += chunk.toString(); done() } })
  const { app, site, keys } = await buildTestApp(t, { LOG_LEVEL: 'trace' }, stream)
  const password = 'correct-horse-battery'
  await setPassword(site.db, 'sales@example.com', password)

  const jsonLogin = await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: password } })
  const queryLogin = await app.inject({ method: 'POST', url: `/?cmd=login&usr=sales%40example.com&pwd=${password}` })
  await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'sales@example.com', pwd: `${password}-wrong` } })
  const sids = [sidOf(jsonLogin), sidOf(queryLogin)]
  await app.inject({ method: 'GET', url: '/api/resource/Customer', cookies: { sid: sids[0] ?? '' } })
  await app.inject({ method: 'GET', url: `/api/resource/Customer?sid=${sids[1] ?? ''}` })
  await app.inject({ method: 'GET', url: '/api/resource/Customer', headers: { authorization: tokenHeader(keys.manager) } })
  await app.inject({ method: 'GET', url: '/api/resource/Customer', headers: { authorization: basicHeader(keys.viewer) } })
  await app.inject({ method: 'GET', url: '/api/resource/Customer', headers: { authorization: `token ${keys.sales.api_key}:${keys.manager.api_secret}` } })
  const generated = await call(app, keys.manager, { method: 'POST', url: '/api/method/frappe.core.doctype.user.user.generate_keys', payload: { user: 'viewer@example.com' } })
  const created = await app.inject({ method: 'POST', url: '/api/method/doctype_server.keys.create', payload: { label: 'log test' }, cookies: { sid: sids[0] ?? '' } })
  const encodedLogin = await app.inject({ method: 'POST', url: `/?cmd=login&usr=sales%40example.com&%70wd=${password}` })
  t.equal(encodedLogin.statusCode, 200, 'a parameter name in percent-encoding still logs in')
  await app.inject({ method: 'GET', url: `/api/resource/Customer?%73id=${sidOf(encodedLogin)}` })
  sids.push(sidOf(encodedLogin))

  const secrets = [
    password,
    ...sids,
    keys.manager.api_secret,
    keys.viewer.api_secret,
    Buffer.from(`${keys.viewer.api_key}:${keys.viewer.api_secret}`).toString('base64'),
    generated.json().message.api_secret as string,
    created.json().message.api_secret as string
  ]
  t.ok(logged.split('\n').length > 20, 'the requests were logged')
  t.match(logged, /\[Redacted\]/, 'the query-string password was masked')
  for (const secret of secrets) {
    t.ok(secret.length >= 12, 'a real secret to look for')
    t.notOk(logged.includes(secret), `the log holds no ${secret.slice(0, 4)}...`)
  }
})
