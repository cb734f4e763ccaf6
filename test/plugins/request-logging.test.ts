import { Writable } from 'node:stream'
import t from 'tap'
import { buildTestApp, call } from '../helper.js'

t.test('one log line per request with its id, user, DocType, status and time; X-Request-Id is kept and echoed', async (t) => {
  let logged = ''
  const stream = new Writable({ write (chunk: Buffer, _encoding, done) { logged += chunk.toString(); done() } })
  const { app, keys } = await buildTestApp(t, { LOG_LEVEL: 'info' }, stream)

  const kept = await call(app, keys.sales, { method: 'GET', url: '/api/resource/Customer/Initech', headers: { 'x-request-id': 'trace-abc-123' } })
  t.equal(kept.headers['x-request-id'], 'trace-abc-123', 'an incoming id is echoed')
  const fresh = await call(app, undefined, { method: 'GET', url: '/api/resource/Customer' })
  t.match(fresh.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'else a UUID is made')
  const odd = await call(app, undefined, { method: 'GET', url: '/api/method/ping', headers: { 'x-request-id': 'a b\tc'.repeat(3) } })
  t.match(odd.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'and one that is not a sane token is replaced')
  logged = logged.split('\n').filter((line) => !line.includes('"url":"/api/method/ping"')).join('\n')

  const lines = logged.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
  const completed = lines.filter((line) => line.msg === 'request completed')
  t.equal(completed.length, 2, 'one line per request at info')
  t.match(completed[0], { reqId: 'trace-abc-123', user: 'sales@example.com', doctype: 'Customer', status: 200, ms: Number, req: { method: 'GET', url: '/api/resource/Customer/Initech' } })
  t.match(completed[1], { reqId: fresh.headers['x-request-id'], user: 'Guest', doctype: 'Customer', status: 403 })
  t.notOk(lines.some((line) => line.msg === 'incoming request'), 'the arrival line is for the debug level')
})
