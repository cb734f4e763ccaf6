import t from 'tap'
import { basicHeader, buildTestApp, tokenHeader } from './helper.js'

t.test('the reported request over real HTTP on 127.0.0.1', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const get = async (authorization?: string): Promise<Response> => await fetch(`${address}/api/resource/Customer`, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(authorization === undefined ? {} : { Authorization: authorization }) }
  })

  for (const authorization of [tokenHeader(keys.manager, 'Token'), tokenHeader(keys.administrator, 'TOKEN'), basicHeader(keys.manager)]) {
    const res = await get(authorization)
    t.equal(res.status, 200, authorization.split(' ')[0] ?? '')
    t.match(res.headers.get('content-type'), /^application\/json/)
    const body = await res.json() as { data: Array<{ name: string }> }
    t.equal(body.data.length, 6)
  }

  const refused = await get(tokenHeader(keys.viewer, 'Token'))
  t.equal(refused.status, 403)
  const body = await refused.json() as { exc_type: string, _server_messages: string }
  t.equal(body.exc_type, 'PermissionError')
  const message = JSON.parse((JSON.parse(body._server_messages) as string[])[0] ?? '{}') as { message: string }
  t.match(message.message, /viewer@example.com/)

  t.equal((await get()).status, 403, 'Guest')
  t.equal((await get(`Token ${keys.manager.api_key}:nope`)).status, 401, 'wrong secret')

  const created = await fetch(`${address}/api/resource/ToDo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: tokenHeader(keys.viewer, 'Token') },
    body: JSON.stringify({ description: 'over HTTP' })
  })
  const name = (await created.json() as { data: { name: string } }).data.name
  const deleted = await fetch(`${address}/api/resource/ToDo/${encodeURIComponent(name)}`, {
    method: 'DELETE',
    headers: { 'Content-Type': 'application/json', Authorization: tokenHeader(keys.manager) }
  })
  t.equal(deleted.status, 202, 'DELETE with a JSON content type and no body, as frappe-js-sdk sends it')
  t.same(await deleted.json(), { data: 'ok' })
})
