import t from 'tap'
import { buildTestApp, call, tokenHeader } from '../helper.js'

t.test('CORS as Frappe\'s allow_cors: the allowed origin echoed, with credentials, and preflights', async (t) => {
  const { app, keys } = await buildTestApp(t, { ALLOW_CORS: 'https://app.example.com, https://admin.example.com/' })
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/api/resource/Customer',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' }
  })
  t.equal(preflight.statusCode, 200, 'a preflight is an empty 200, as in Frappe')
  t.equal(preflight.body, '')
  t.match(preflight.headers, {
    'access-control-allow-origin': 'https://app.example.com',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'PUT',
    'access-control-allow-headers': 'authorization,content-type',
    'access-control-max-age': '86400'
  })
  t.match(preflight.headers.vary, /Origin/)

  const methodPreflight = await app.inject({ method: 'OPTIONS', url: '/api/method/frappe.auth.get_logged_user', headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'GET' } })
  t.equal(methodPreflight.headers['access-control-allow-origin'], 'https://admin.example.com', 'method routes too; a trailing slash in the setting is ignored')

  const get = await call(app, keys.sales, { method: 'GET', url: '/api/method/frappe.auth.get_logged_user', headers: { origin: 'https://app.example.com' } })
  t.equal(get.json().message, 'sales@example.com')
  t.equal(get.headers['access-control-allow-origin'], 'https://app.example.com', 'never a literal *')
  t.equal(get.headers['access-control-allow-credentials'], 'true')
  t.match(get.headers['access-control-expose-headers'], /X-Request-Id.*Retry-After.*X-RateLimit-Remaining/, 'scripts may read the request id and the limits')

  const stranger = await app.inject({ method: 'GET', url: '/api/method/ping', headers: { origin: 'https://evil.example.net', authorization: tokenHeader(keys.sales) } })
  t.equal(stranger.statusCode, 200)
  t.notOk('access-control-allow-origin' in stranger.headers, 'another origin gets no CORS headers')
})

t.test('ALLOW_CORS lists origins: normalised, and anything else is refused at start', async (t) => {
  const { loadConfig } = await import('../../src/config.js')
  t.same(loadConfig({ ALLOW_CORS: 'HTTPS://App.Example.com:443, http://localhost:5173' }).allowCors, ['https://app.example.com', 'http://localhost:5173'])
  t.throws(() => loadConfig({ ALLOW_CORS: 'https://app.example.com/path' }), /ALLOW_CORS must list origins/)
})

t.test('ALLOW_CORS=* allows any origin, still echoed; without the setting there is no CORS', async (t) => {
  const open = await buildTestApp(t, { ALLOW_CORS: '*' })
  const any = await open.app.inject({ method: 'GET', url: '/api/method/ping', headers: { origin: 'http://localhost:5173' } })
  t.equal(any.headers['access-control-allow-origin'], 'http://localhost:5173')

  const closed = await buildTestApp(t)
  const none = await closed.app.inject({ method: 'GET', url: '/api/method/ping', headers: { origin: 'http://localhost:5173' } })
  t.notOk('access-control-allow-origin' in none.headers)
  const preflight = await closed.app.inject({ method: 'OPTIONS', url: '/api/resource/Customer', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } })
  t.equal(preflight.statusCode, 404, 'no preflight answer either')
  t.equal(preflight.json().exc_type, 'DoesNotExistError')
})

t.test('security headers fit for a JSON API', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/method/ping' })
  t.match(res.headers, {
    'content-security-policy': "default-src 'none';frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'strict-transport-security': /max-age=/,
    'referrer-policy': 'no-referrer',
    'cache-control': /no-store/
  })
  t.notOk('x-powered-by' in res.headers)
})
