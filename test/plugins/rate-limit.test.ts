import t from 'tap'
import { buildTestApp, call, serverMessages } from '../helper.js'

t.test('past RATE_LIMIT requests in the window, a client gets Frappe\'s 429 with Retry-After', async (t) => {
  const { app, keys } = await buildTestApp(t, { RATE_LIMIT: '3', RATE_LIMIT_WINDOW_SECONDS: '60' })
  const url = '/api/method/frappe.auth.get_logged_user'
  for (let i = 0; i < 3; i++) {
    const res = await call(app, keys.sales, { method: 'GET', url })
    t.equal(res.statusCode, 200)
    t.match(res.headers, { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': String(2 - i), 'x-ratelimit-reset': /^\d+$/ }, 'the headers on every answer')
  }
  const limited = await call(app, keys.sales, { method: 'GET', url })
  t.equal(limited.statusCode, 429)
  t.match(limited.headers, { 'retry-after': /^\d+$/, 'x-ratelimit-remaining': '0' })
  t.match(limited.json(), { exc_type: 'RateLimitExceededError', exception: 'frappe.exceptions.RateLimitExceededError' })
  t.match(serverMessages(limited.json())[0]?.message, /^You hit the rate limit because of too many requests. Please try after sometime./)

  t.equal((await call(app, keys.manager, { method: 'GET', url })).statusCode, 200, 'another user has a count of their own')
  t.equal((await call(app, undefined, { method: 'GET', url: '/api/method/ping' })).statusCode, 200, 'probes are never limited')
  for (let i = 0; i < 5; i++) await call(app, undefined, { method: 'GET', url: '/api/health/ready' })
  t.equal((await call(app, undefined, { method: 'GET', url: '/api/health/ready' })).statusCode, 200)
  for (const url of ['/api/v1/method/ping', '/api/health/ready/', '/api/method/ping?x=1']) {
    for (let i = 0; i < 4; i++) await call(app, undefined, { method: 'GET', url })
    t.equal((await call(app, undefined, { method: 'GET', url })).statusCode, 200, `${url} is a probe too`)
  }

  for (let i = 0; i < 3; i++) await call(app, undefined, { method: 'GET', url: '/api/resource/ToDo' })
  t.equal((await call(app, undefined, { method: 'GET', url: '/api/resource/ToDo' })).statusCode, 429, 'Guests are counted by address')
})

t.test('without RATE_LIMIT there is no limit and no header', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const res = await call(app, keys.sales, { method: 'GET', url: '/api/method/frappe.auth.get_logged_user' })
  t.notOk('x-ratelimit-limit' in res.headers)
})
