import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildTestApp, call, listUrl, serverMessages } from '../../helper.js'

const fixtures = fileURLToPath(new URL('../../fixtures/doctypes', import.meta.url))

t.test('a Single DocType has one document, read and updated by its own name', async (t) => {
  const { app, keys, site } = await buildTestApp(t, { DOCTYPES_DIR: fixtures })
  const url = '/api/resource/Gadget Settings/Gadget Settings'
  const fresh = await call(app, keys.viewer, { method: 'GET', url })
  t.equal(fresh.statusCode, 200)
  t.same(fresh.json().data, { name: 'Gadget Settings', docstatus: 0, idx: 0, max_qty: 0, enabled: 0, doctype: 'Gadget Settings' }, 'never saved: empty values')

  const refused = await call(app, keys.viewer, { method: 'PUT', url, payload: { max_qty: 3 } })
  t.equal(refused.statusCode, 403, 'All may only read it')

  const saved = await call(app, keys.manager, { method: 'PUT', url, payload: { default_category: 'Toy', max_qty: '7', enabled: 1, contact: 'SALES@example.com', review_on: '2026-01-31' } })
  t.equal(saved.statusCode, 200)
  t.match(saved.json().data, { name: 'Gadget Settings', default_category: 'Toy', max_qty: 7, enabled: 1, contact: 'sales@example.com', review_on: '2026-01-31', owner: 'manager@example.com', modified_by: 'manager@example.com' })
  const again = await call(app, keys.viewer, { method: 'GET', url: '/api/resource/Gadget Settings/gadget settings' })
  t.same(again.json().data, saved.json().data, 'stored, and found by its name in any letter case')
  const merged = await call(app, keys.manager, { method: 'PUT', url, payload: { max_qty: 8 } })
  t.match(merged.json().data, { default_category: 'Toy', max_qty: 8 }, 'PUT merges')
  const triples = await site.db.selectFrom('tabSingles').selectAll().where('doctype', '=', 'Gadget Settings').where('field', '=', 'max_qty').execute()
  t.same(triples, [{ doctype: 'Gadget Settings', field: 'max_qty', value: '8' }], 'kept as Frappe keeps Singles')
  const byAnother = await call(app, keys.administrator, { method: 'PUT', url, payload: { max_qty: 9 } })
  t.match(byAnother.json().data, { max_qty: 9, owner: 'manager@example.com', modified_by: 'Administrator' }, 'the first writer stays its owner, as in Frappe')

  const badLink = await call(app, keys.manager, { method: 'PUT', url, payload: { contact: 'ghost@example.com' } })
  t.equal(badLink.statusCode, 417)
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/resource/Gadget Settings/Other' })).statusCode, 404)

  for (const [method, path] of [['GET', listUrl('Gadget Settings', {})], ['POST', '/api/resource/Gadget Settings'], ['DELETE', url]] as const) {
    const res = await call(app, keys.manager, { method, url: path, payload: method === 'POST' ? { max_qty: 1 } : undefined })
    t.equal(res.statusCode, 417, `${method} ${path}`)
    t.match(serverMessages(res.json())[0]?.message, /is a Single DocType: .*\/api\/resource\/Gadget Settings\/Gadget Settings/)
  }

  await call(app, keys.manager, { method: 'PUT', url, payload: { contact: 'viewer@example.com' } })
  const linked = await call(app, keys.manager, { method: 'DELETE', url: '/api/resource/User/viewer@example.com' })
  t.equal(linked.statusCode, 417, 'a user the Single links to cannot be deleted')
  t.match(serverMessages(linked.json())[0]?.message, /is linked with Gadget Settings <strong>Gadget Settings<\/strong>/)
})

t.test('a Password field is never sent, matched or sorted', async (t) => {
  const { app, keys, site } = await buildTestApp(t, { DOCTYPES_DIR: fixtures })
  const url = '/api/resource/Gadget Settings/Gadget Settings'
  const saved = await call(app, keys.manager, { method: 'PUT', url, payload: { service_password: 'hunter22' } })
  t.equal(saved.json().data.service_password, '********', 'one asterisk per character, as Frappe sends it')
  t.notMatch(JSON.stringify((await call(app, keys.manager, { method: 'GET', url })).json()), /hunter22/)
  await call(app, keys.manager, { method: 'PUT', url, payload: { ...saved.json().data, max_qty: 4 } })
  const stored = await site.db.selectFrom('tabSingles').select('value').where('doctype', '=', 'Gadget Settings').where('field', '=', 'service_password').executeTakeFirstOrThrow()
  t.equal(stored.value, 'hunter22', 'the asterisks sent back leave the stored value as it is')
})
