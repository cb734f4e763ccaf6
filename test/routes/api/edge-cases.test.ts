import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildTestApp, call, listUrl, serverMessages } from '../../helper.js'

const fixtures = fileURLToPath(new URL('../../fixtures/doctypes', import.meta.url))

t.test('JSON content types with a charset, and GET with a JSON body', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const created = await call(app, keys.manager, {
    method: 'POST', url: '/api/resource/ToDo', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify({ description: 'charset' })
  })
  t.equal(created.statusCode, 200)
  const deleted = await call(app, keys.manager, { method: 'DELETE', url: `/api/resource/ToDo/${created.json().data.name as string}`, headers: { 'content-type': 'application/json;charset=UTF-8' } })
  t.equal(deleted.statusCode, 202)
  const viaBody = await call(app, keys.manager, {
    method: 'GET', url: '/api/resource/ToDo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ fields: ['description'], filters: { status: 'Closed' } })
  })
  t.same(viaBody.json().data, [{ description: 'Review open quotations' }], 'Frappe reads a JSON body sent with GET')
  t.equal(viaBody.headers['cache-control'], 'no-store, max-age=0, private', 'no cache keeps a user\'s data')
})

t.test('filter values and list parameters that once slipped through', async (t) => {
  const { app, keys } = await buildTestApp(t, { DOCTYPES_DIR: fixtures })
  for (const [title, qty, stock] of [['Anvil', 5, 1], ['Ball', 0, 1], ['Cookbook', 12, 0]] as const) {
    await call(app, keys.manager, { method: 'POST', url: '/api/resource/Gadget', payload: { title, qty, in_stock: stock } })
  }
  const titles = async (params: Record<string, unknown>): Promise<unknown> => {
    const res = await call(app, keys.manager, { method: 'GET', url: listUrl('Gadget', { fields: ['title'], order_by: 'title asc', ...params }) })
    return res.statusCode === 200 ? res.json().data.map((r: { title: string }) => r.title) : res.statusCode
  }
  t.same(await titles({ filters: { in_stock: true } }), ['Anvil', 'Ball'], 'a JSON boolean on a Check')
  t.same(await titles({ filters: { title: true } }), [], 'a JSON boolean on text is 1')
  t.same(await titles({ filters: [['title', 'in', [true, 'Ball']]] }), ['Ball'])
  t.same(await titles({ filters: [['qty', 'is', 'set']] }), ['Anvil', 'Cookbook'], 'a number is set when not 0')
  t.same(await titles({ filters: [['qty', 'is', 'not set']] }), ['Ball'])
  t.same(await titles({ limit_page_length: '', limit: 1 }), ['Anvil'], 'an empty limit_page_length leaves limit in charge')
  t.equal(await titles({ filters: [['qty', 'between', [1]]] }), 417, 'between on a number needs both bounds')
  t.equal(await titles({ filters: [['title', { op: '=' }, 'x']] }), 417, 'an operator that is not text')
  t.same(await titles({ filters: [['title', 'between', [true, false]]] }), [], 'booleans bind as 1 and 0')
})

t.test('child rows sent twice under one name, docstatus true, a slow Name check', async (t) => {
  const { app, keys } = await buildTestApp(t, { DOCTYPES_DIR: fixtures })
  const user = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/User/sales@example.com' })).json().data
  const row = user.roles[0]
  const twice = await call(app, keys.manager, {
    method: 'PUT', url: '/api/resource/User/sales@example.com', payload: { roles: [row, { ...row, name: String(row.name).toUpperCase(), role: 'Desk User' }] }
  })
  t.equal(twice.statusCode, 200)
  const roles = twice.json().data.roles
  t.same(roles.map((r: { role: string }) => r.role), ['Sales User', 'Desk User'])
  t.equal(roles[0].name, row.name, 'the first keeps the name')
  t.not(roles[1].name.toLowerCase(), String(row.name).toLowerCase(), 'the repeat is a new row')

  const docstatus = await call(app, keys.manager, { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'x', docstatus: true } })
  t.equal(docstatus.statusCode, 417)
  t.match(serverMessages(docstatus.json())[0]?.message, /docstatus must be 0, 1 or 2/)

  const maker = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Gadget', payload: { title: 'Slow', maker: `${'a'.repeat(100)}!` } })
  t.equal(maker.statusCode, 417, 'a bad Name is refused without backtracking for ages')
  t.match(serverMessages(maker.json())[0]?.message, /is not a valid Name/)
  const goodMaker = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Gadget', payload: { title: 'Fine', maker: "Jean-Luc O'Neil" } })
  t.equal(goodMaker.statusCode, 200)
})

t.test('if_owner rows grant their rights on the user\'s own documents only', async (t) => {
  const { app, keys } = await buildTestApp(t, { DOCTYPES_DIR: fixtures })
  const created = await call(app, keys.viewer, { method: 'POST', url: '/api/resource/Diary', payload: { entry: 'dear diary' } })
  t.equal(created.statusCode, 200, 'create is never owner-restricted')
  const name = created.json().data.name as string
  await call(app, keys.sales, { method: 'POST', url: '/api/resource/Diary', payload: { entry: 'not yours' } })
  const mine = await call(app, keys.viewer, { method: 'GET', url: listUrl('Diary', { fields: ['entry'] }) })
  t.same(mine.json().data, [{ entry: 'dear diary' }], 'a list shows only the user\'s own rows')
  t.equal((await call(app, keys.viewer, { method: 'GET', url: `/api/resource/Diary/${name}` })).statusCode, 200)
  const other = await call(app, keys.sales, { method: 'GET', url: `/api/resource/Diary/${name}` })
  t.equal(other.statusCode, 403, 'nobody else reads it')
  t.match(serverMessages(other.json())[0]?.message, /does not have access to this document: Diary - /)
  t.match(other.json().permission, { doctype: 'Diary', document: name, right: 'read', user: 'sales@example.com', granting_roles: [{ role: 'All', if_owner: 1 }, { role: 'System Manager' }] })
  t.equal((await call(app, keys.sales, { method: 'PUT', url: `/api/resource/Diary/${name}`, payload: { entry: 'x' } })).statusCode, 403)
  t.equal((await call(app, keys.sales, { method: 'DELETE', url: `/api/resource/Diary/${name}` })).statusCode, 403)
  t.equal((await call(app, keys.viewer, { method: 'DELETE', url: `/api/resource/Diary/${name}` })).statusCode, 202, 'the owner may')
  t.equal((await call(app, keys.manager, { method: 'GET', url: listUrl('Diary', {}) })).json().data.length, 1, 'a role without if_owner sees every row')
})

t.test('the exception text keeps angle brackets that are not markup', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/api/resource/ToDo', headers: { authorization: 'token nocolon' } })
  t.match(res.json().exception, /<api_key>:<api_secret>/)
})
