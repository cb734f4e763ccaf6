import t from 'tap'
import { basicHeader, buildTestApp, serverMessages, tokenHeader } from '../../helper.js'

t.test('the reported request: any case of the token scheme, and Basic', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const cases = [
    ['System Manager, Token', tokenHeader(keys.manager, 'Token')],
    ['System Manager, token', tokenHeader(keys.manager, 'token')],
    ['System Manager, TOKEN', tokenHeader(keys.manager, 'TOKEN')],
    ['System Manager, Basic', basicHeader(keys.manager)],
    ['System Manager, basic', basicHeader(keys.manager, 'basic')],
    ['Administrator, Token', tokenHeader(keys.administrator, 'Token')],
    ['Administrator, Basic', basicHeader(keys.administrator)]
  ]
  for (const [label, authorization] of cases) {
    const res = await app.inject({
      method: 'GET',
      url: '/api/resource/Customer',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization }
    })
    t.equal(res.statusCode, 200, `${label}: 200`)
    const rows = res.json().data
    t.ok(Array.isArray(rows) && rows.length === 6, `${label}: the six demo customers`)
  }
})

t.test('a user whose roles grant no read on Customer gets a Frappe PermissionError', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/resource/Customer', headers: { authorization: tokenHeader(keys.viewer, 'Token') } })
  t.equal(res.statusCode, 403)
  const body = res.json()
  t.equal(body.exc_type, 'PermissionError')
  t.equal(body.exception, 'frappe.exceptions.PermissionError')
  t.equal(body._error_message, 'No permission for Customer')
  t.type(body._server_messages, 'string')
  const [message] = serverMessages(body)
  t.match(message?.message, /^User <strong>viewer@example.com<\/strong> does not have doctype access via role permission for document <strong>Customer<\/strong>/)
  t.match(message?.message, /'read' permission on Customer is needed; it is granted by the roles System Manager, Sales User/)
  t.notOk('exc' in body, 'no traceback')
})

t.test('no Authorization header runs as Guest', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/resource/Customer' })
  t.equal(res.statusCode, 403)
  t.match(serverMessages(res.json())[0]?.message, /User <strong>Guest<\/strong>/)
})

t.test('present but bad credentials are a 401 that says why', async (t) => {
  const { app, site, keys } = await buildTestApp(t)
  await site.db.updateTable('tabUser').set({ enabled: 0 }).where('name', '=', 'sales@example.com').execute()
  const cases: Array<[string, string, string, RegExp]> = [
    ['wrong secret', `token ${keys.manager.api_key}:wrong-secret`, 'bad_secret', /does not match/],
    ['unknown key', 'token nosuchkey:whatever', 'unknown_key', /nosuchkey is not known/],
    ['no colon', `token ${keys.manager.api_key}`, 'malformed_header', /<api_key>:<api_secret>/],
    ['two colons', 'token a:b:c', 'malformed_header', /<api_key>:<api_secret>/],
    ['empty secret', `token ${keys.manager.api_key}:`, 'malformed_header', /<api_key>:<api_secret>/],
    ['no scheme', `${keys.manager.api_key}:${keys.manager.api_secret}`, 'malformed_header', /scheme and credentials/],
    ['three parts', `token ${keys.manager.api_key}: ${keys.manager.api_secret}`, 'malformed_header', /scheme and credentials/],
    ['empty header', '', 'malformed_header', /scheme and credentials/],
    ['bad base64', 'Basic %%%notbase64', 'malformed_header', /not valid base64/],
    ['unsupported scheme', 'Bearer abcdef', 'unsupported_scheme', /"Bearer" is not supported/],
    ['disabled user', tokenHeader(keys.sales), 'user_disabled', /sales@example.com is disabled/]
  ]
  for (const [label, authorization, reason, message] of cases) {
    const res = await app.inject({ method: 'GET', url: '/api/resource/ToDo', headers: { authorization } })
    t.equal(res.statusCode, 401, `${label}: 401`)
    const body = res.json()
    t.equal(body.exc_type, 'AuthenticationError', `${label}: AuthenticationError`)
    t.equal(body.reason, reason, `${label}: reason ${reason}`)
    t.match(serverMessages(body)[0]?.message, message, `${label}: the message says what is wrong`)
    t.notMatch(res.body, keys.manager.api_secret, `${label}: the secret is not echoed`)
  }
})

t.test('the secret is stored only as a hash', async (t) => {
  const { site, keys } = await buildTestApp(t)
  const rows = await site.db.selectFrom('api_keys').selectAll().execute()
  t.ok(rows.length >= 4)
  for (const row of rows) t.not(row.secret_hash, keys.manager.api_secret)
  t.notOk(rows.some((row) => Object.values(row).includes(keys.manager.api_secret)))
})
