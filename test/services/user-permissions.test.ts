import t from 'tap'
import { buildTestApp, call, listUrl, serverMessages, type TestApp } from '../helper.js'

async function restrictSales (testApp: TestApp, rows: Array<Record<string, unknown>>): Promise<void> {
  for (const row of rows) {
    const res = await call(testApp.app, testApp.keys.manager, { method: 'POST', url: '/api/resource/User Permission', payload: { user: 'sales@example.com', ...row } })
    if (res.statusCode !== 200) throw new Error(res.body)
  }
}

async function names (testApp: TestApp, doctype: string, params: Record<string, unknown> = {}): Promise<string[]> {
  const res = await call(testApp.app, testApp.keys.sales, { method: 'GET', url: listUrl(doctype, { order_by: 'name asc', limit_page_length: 0, ...params }) })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().data.map((row: { name: string }) => row.name)
}

t.test('User Permissions restrict the allowed DocType and every Link to it', async (t) => {
  const testApp = await buildTestApp(t)
  const { app, keys } = testApp
  t.same(await names(testApp, 'Customer'), ['Acme Corporation', 'City of Springfield', 'Globex GmbH', 'Initech', 'Priya Sharma', 'Red Cross Local Chapter'], 'before: every customer')
  await restrictSales(testApp, [{ allow: 'Territory', for_value: 'United States' }])

  t.same(await names(testApp, 'Customer'), ['Acme Corporation', 'City of Springfield', 'Initech'], 'lists keep the customers in allowed territories, in SQL')
  t.same(await names(testApp, 'Customer', { limit_page_length: 2, limit_start: 2 }), ['Initech'], 'and page as such')
  t.same(await names(testApp, 'Territory'), ['United States'], 'the allowed DocType itself is restricted')

  const refused = await call(app, keys.sales, { method: 'GET', url: '/api/resource/Customer/Globex GmbH' })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json()._error_message, 'Not allowed for Territory: Germany')
  t.match(serverMessages(refused.json())[0]?.message, /User Permissions on Territory allow only united states/)
  t.match(refused.json().permission, { doctype: 'Customer', user: 'sales@example.com', user_permission: { allow: 'Territory', field: 'territory', value: 'Germany' } })
  t.equal((await call(app, keys.sales, { method: 'GET', url: '/api/resource/Customer/Acme Corporation' })).statusCode, 200)

  const createOutside = await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Berlin GmbH', territory: 'Germany' } })
  t.equal(createOutside.statusCode, 403, 'no new document outside the allowed values')
  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Boston Inc', territory: 'united states' } })).statusCode, 200)
  const leftOut = await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Nowhere Ltd' } })
  t.equal(leftOut.json().data.territory, 'United States', 'a link left out gets the one allowed value, as Frappe fills it')
  const empty = await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Empty Ltd', territory: '' } })
  t.equal(empty.statusCode, 200, 'an empty link passes')
  t.equal(empty.json().data.territory ?? '', '', 'and stays empty')
  t.equal((await call(app, keys.sales, { method: 'PUT', url: '/api/resource/Customer/Acme Corporation', payload: { territory: 'Germany' } })).statusCode, 403, 'nor moving one outside')
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/resource/Customer/Globex GmbH' })).statusCode, 200, 'other users are not restricted')
  t.equal((await call(app, keys.administrator, { method: 'GET', url: listUrl('Customer', { limit_page_length: 0 }) })).json().data.length, 9)
})

t.test('applicable_for limits a User Permission to one DocType; shares still open documents', async (t) => {
  const testApp = await buildTestApp(t)
  await restrictSales(testApp, [
    { allow: 'Territory', for_value: 'United States' },
    { allow: 'Customer Group', for_value: 'Commercial', apply_to_all_doctypes: 0, applicable_for: 'Customer' }
  ])
  t.same(await names(testApp, 'Customer'), ['Acme Corporation', 'Initech'], 'both restrictions apply to Customer')
  t.same((await names(testApp, 'Customer Group')).length, 5, 'Customer Group itself is not restricted: the row applies to Customer only')
  await restrictSales(testApp, [{ allow: 'Territory', for_value: 'India', is_default: 1 }])
  const created = await call(testApp.app, testApp.keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Mumbai Traders' } })
  t.match(created.json().data, { territory: 'India', customer_group: 'Commercial' }, 'of several allowed values, the default one; the only one applicable to Customer')

  await call(testApp.app, testApp.keys.administrator, { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Customer', name: 'Globex GmbH', user: 'sales@example.com' } })
  t.equal((await call(testApp.app, testApp.keys.sales, { method: 'GET', url: '/api/resource/Customer/Globex GmbH' })).statusCode, 200, 'a shared document is open despite them')
  t.same(await names(testApp, 'Customer'), ['Acme Corporation', 'Globex GmbH', 'Initech', 'Mumbai Traders'], 'and joins the list')
})

t.test('users read and update their own User document, but not their roles; nobody reads a secret', async (t) => {
  const { app, keys, site } = await buildTestApp(t)
  const { setPassword } = await import('../../src/services/user-admin.js')
  await setPassword(site.db, 'viewer@example.com', 'viewer-password')
  const me = await call(app, keys.viewer, { method: 'GET', url: '/api/resource/User/viewer@example.com' })
  t.equal(me.statusCode, 200)
  t.match(me.json().data, { name: 'viewer@example.com', first_name: 'Victor' })
  t.notOk('roles' in me.json().data, 'roles are at level 1')
  const changed = await call(app, keys.viewer, { method: 'PUT', url: '/api/resource/User/viewer@example.com', payload: { first_name: 'Vic', roles: [{ role: 'System Manager' }], enabled: 0 } })
  t.equal(changed.statusCode, 200)
  t.equal(changed.json().data.first_name, 'Vic')
  const stored = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/User/viewer@example.com' })).json().data
  t.same(stored.roles, [], 'no role was added')
  t.equal(stored.enabled, 1, 'nor the user disabled')
  t.equal((await call(app, keys.viewer, { method: 'GET', url: '/api/resource/User/sales@example.com' })).statusCode, 403, 'another user\'s document is closed')
  t.equal((await call(app, keys.viewer, { method: 'PUT', url: '/api/resource/User/sales@example.com', payload: { first_name: 'x' } })).statusCode, 403)
  t.same((await call(app, keys.viewer, { method: 'GET', url: listUrl('User', { fields: ['name', 'email', 'first_name'] }) })).json().data, [{ name: 'viewer@example.com', first_name: 'Vic' }], 'a list of users holds only themselves, at level 0, as in Frappe')

  const everything = JSON.stringify([stored, (await call(app, keys.administrator, { method: 'GET', url: listUrl('User', { fields: ['*'], limit_page_length: 0 }) })).json()])
  const hashes = await site.db.selectFrom('passwords').select('password_hash').execute()
  const secrets = await site.db.selectFrom('api_keys').select('secret_hash').execute()
  t.ok(hashes.length > 0 && secrets.length > 0)
  for (const { password_hash: hash } of hashes) t.notOk(everything.includes(hash), 'no password hash in any User answer')
  for (const { secret_hash: hash } of secrets) t.notOk(everything.includes(hash), 'no key secret hash either')
  t.notMatch(everything, /viewer-password/)
})

t.test('why a user may or may not', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const asked = await call(app, keys.manager, { method: 'GET', url: '/api/method/doctype_server.permissions.explain?user=viewer@example.com&doctype=Customer&right=read' })
  t.same(asked.json(), {
    message: {
      allowed: false,
      doctype: 'Customer',
      right: 'read',
      user: 'viewer@example.com',
      user_roles: ['All', 'Desk User', 'Guest'],
      granting_roles: [{ role: 'System Manager' }, { role: 'Sales User' }],
      because: 'The \'read\' permission on Customer is needed; it is granted by the roles System Manager, Sales User.'
    }
  }, 'the README\'s example')
  const own = await call(app, keys.sales, { method: 'GET', url: '/api/method/doctype_server.permissions.explain?doctype=Customer&docname=Initech&right=write' })
  t.match(own.json().message, { allowed: true, document: 'Initech', user: 'sales@example.com' }, 'anyone may ask about themselves')
  t.equal((await call(app, keys.sales, { method: 'GET', url: '/api/method/doctype_server.permissions.explain?user=viewer@example.com&doctype=Customer' })).statusCode, 403, 'only a System Manager about others')
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/method/doctype_server.permissions.explain?user=nobody@example.com&doctype=Customer' })).statusCode, 417)
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/method/doctype_server.permissions.explain?doctype=Customer&right=fly' })).statusCode, 417)
})

t.test('child rows follow their parent\'s User Permissions; the permission methods judge as requests do', async (t) => {
  const testApp = await buildTestApp(t)
  const { app, keys } = testApp
  const first = (await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note', payload: { title: 'N1', seen_by: [{ user: 'sales@example.com' }] } })).json().data.name as string
  await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note', payload: { title: 'N2', seen_by: [{ user: 'viewer@example.com' }] } })
  await restrictSales(testApp, [{ allow: 'Note', for_value: first }, { allow: 'Territory', for_value: 'United States' }])
  await call(app, keys.manager, { method: 'POST', url: '/api/resource/User Permission', payload: { user: 'manager@example.com', allow: 'Note', for_value: first } })
  const rows = await call(app, keys.manager, { method: 'GET', url: listUrl('Note Seen By', { parent: 'Note', fields: ['parent', 'user'] }) })
  t.same(rows.json().data, [{ parent: first, user: 'sales@example.com' }], 'the rows of a note outside the User Permissions are not listed')

  const ask = async (key: typeof keys.sales, query: string): Promise<unknown> => (await call(app, key, { method: 'GET', url: `/api/method/frappe.client.has_permission?${query}` })).json().message.has_permission
  t.equal(await ask(keys.sales, 'doctype=Customer&docname=Globex GmbH'), false, 'User Permissions count')
  t.equal(await ask(keys.sales, 'doctype=Customer&docname=Initech'), true)
  t.equal(await ask(keys.viewer, 'doctype=User&docname=viewer@example.com&perm_type=write'), true, 'and the own-User rule')
  const why = await call(app, keys.manager, { method: 'GET', url: '/api/method/doctype_server.permissions.explain?user=sales@example.com&doctype=Customer&docname=Globex GmbH' })
  t.match(why.json().message, { allowed: false, because: /User Permissions on Territory allow only/ })
})

t.test('on a tree, a User Permission allows the node and the nodes below it, unless hide_descendants', async (t) => {
  const testApp = await buildTestApp(t)
  await restrictSales(testApp, [{ allow: 'Territory', for_value: 'All Territories' }])
  t.same(await names(testApp, 'Territory'), ['All Territories', 'Germany', 'India', 'Rest Of The World', 'United States'], 'the whole tree')
  t.equal((await names(testApp, 'Customer')).length, 6, 'and every customer in it')

  await call(testApp.app, testApp.keys.manager, { method: 'POST', url: '/api/resource/Territory', payload: { territory_name: 'Bavaria', parent_territory: 'Germany' } })
  t.ok((await names(testApp, 'Territory')).includes('Bavaria'), 'a node added below is allowed at once')

  const [row] = await testApp.site.db.selectFrom('tabUser Permission').select('name').execute()
  await call(testApp.app, testApp.keys.manager, { method: 'PUT', url: `/api/resource/User Permission/${String(row?.name)}`, payload: { hide_descendants: 1 } })
  t.same(await names(testApp, 'Territory'), ['All Territories'], 'hide_descendants: the node alone')
  t.same(await names(testApp, 'Customer'), [], 'and no customer, none being in it')
})

t.test('an owner whose User Permissions exclude their document keeps what if_owner rows give them, as in Frappe', async (t) => {
  const testApp = await buildTestApp(t)
  const { app, keys } = testApp
  for (const row of [
    { role: 'System Manager', read: 1, write: 1, create: 1, delete: 1 },
    { role: 'Sales User', read: 1, create: 1 },
    { role: 'Sales User', if_owner: 1, read: 1, write: 1, delete: 1 }
  ]) {
    t.equal((await call(app, keys.manager, { method: 'POST', url: '/api/resource/Custom DocPerm', payload: { parent: 'Customer', ...row } })).statusCode, 200)
  }
  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Own Berlin', territory: 'Germany' } })).statusCode, 200)
  await restrictSales(testApp, [{ allow: 'Territory', for_value: 'United States' }])

  t.equal((await call(app, keys.sales, { method: 'GET', url: '/api/resource/Customer/Own Berlin' })).statusCode, 403, 'read comes from a row for every document: the User Permissions refuse it')
  t.equal((await call(app, keys.sales, { method: 'PUT', url: '/api/resource/Customer/Own Berlin', payload: { mobile_no: '+49 1' } })).statusCode, 200, 'write comes from the if_owner row: the owner keeps it')
  t.equal((await call(app, keys.sales, { method: 'PUT', url: '/api/resource/Customer/Globex GmbH', payload: { mobile_no: '+49 2' } })).statusCode, 403, 'not on a document they do not own')

  const updated = await call(app, keys.manager, { method: 'POST', url: '/api/method/frappe.core.page.permission_manager.permission_manager.update', payload: { doctype: 'Customer', role: 'Sales User', permlevel: 0, ptype: 'read', value: 0 } })
  t.equal(updated.statusCode, 200)
  t.equal((await call(app, keys.sales, { method: 'GET', url: '/api/resource/Customer/Own Berlin' })).statusCode, 200, 'read now comes only from the if_owner row: the owner keeps it')
  t.same(await names(testApp, 'Customer'), ['Own Berlin'], 'and lists their own rows whatever their User Permissions, as Frappe does')
  t.equal((await call(app, keys.sales, { method: 'DELETE', url: '/api/resource/Customer/Own Berlin' })).statusCode, 202)
})

t.test('a write share opens a document outside the User Permissions, but a changed link must still be allowed', async (t) => {
  const testApp = await buildTestApp(t)
  const { app, keys } = testApp
  await restrictSales(testApp, [{ allow: 'Territory', for_value: 'United States' }])
  await call(app, keys.administrator, { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Customer', name: 'Globex GmbH', user: 'sales@example.com', write: 1 } })
  t.equal((await call(app, keys.sales, { method: 'PUT', url: '/api/resource/Customer/Globex GmbH', payload: { mobile_no: '+49 3' } })).statusCode, 200, 'its own territory, unchanged, does not stop the save')
  const moved = await call(app, keys.sales, { method: 'PUT', url: '/api/resource/Customer/Globex GmbH', payload: { territory: 'India' } })
  t.equal(moved.statusCode, 403, 'a new territory outside them does')
  t.equal(moved.json()._error_message, 'Not allowed for Territory: India')
  t.equal((await call(app, keys.sales, { method: 'PUT', url: '/api/resource/Customer/Globex GmbH', payload: { territory: 'United States' } })).statusCode, 200, 'one inside them does not')
})
