import t from 'tap'
import { buildTestApp, serverMessages } from '../../helper.js'

t.test('ping answers pong to anyone, on any verb', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [method, url] of [['GET', '/api/method/ping'], ['POST', '/api/method/ping/'], ['GET', '/api/v1/method/ping']] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 200, `${method} ${url}`)
    t.equal(res.body, '{"message":"pong"}')
  }
})

t.test('an unknown method is a 417, as in Frappe', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/method/frappe.nothing.here' })
  t.equal(res.statusCode, 417)
  t.equal(res.json().exc_type, 'ValidationError')
  t.match(serverMessages(res.json())[0]?.message, /Failed to get method for command frappe\.nothing\.here/)
})
