import t from 'tap'
import { buildTestApp, call } from '../helper.js'

t.test('liveness and readiness probes', async (t) => {
  const { app, site } = await buildTestApp(t)
  const live = await call(app, undefined, { method: 'GET', url: '/api/health/live' })
  t.equal(live.statusCode, 200)
  t.same(live.json(), { status: 'ok' })
  const ready = await call(app, undefined, { method: 'GET', url: '/api/health/ready' })
  t.same([ready.statusCode, ready.json()], [200, { status: 'ok', database: 'ok' }], 'ready while the database answers, for anyone')
  t.same((await call(app, undefined, { method: 'GET', url: '/api/method/ping' })).json(), { message: 'pong' }, 'and Frappe\'s ping')

  await site.db.destroy()
  const down = await call(app, undefined, { method: 'GET', url: '/api/health/ready' })
  t.equal(down.statusCode, 503, 'not ready once the database does not answer')
  t.match(down.json(), { exc_type: 'ServiceUnavailable', exception: 'frappe.exceptions.ServiceUnavailable' })
  t.equal((await call(app, undefined, { method: 'GET', url: '/api/health/live' })).statusCode, 200, 'yet alive')
})
