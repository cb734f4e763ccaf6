import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { insertDocument } from '../../../src/services/documents.js'
import { asAdministrator } from '../../../src/services/user-admin.js'
import { buildTestApp, call, listUrl, serverMessages, type TestApp } from '../../helper.js'

const fixtures = fileURLToPath(new URL('../../fixtures/doctypes', import.meta.url))

const gadgets = [
  { title: 'Anvil', category: 'Tool', qty: 5, price: 10.5, weight: 20, in_stock: 1, made_on: '2025-01-10', checked_at: '2025-01-10 09:30:00', opens_at: '9:05', owner_user: 'manager@example.com', notes: 'heavy', specs: { kg: 20 } },
  { title: 'Ball', category: 'Toy', qty: 0, price: 2.25, weight: 0.5, in_stock: 1, made_on: '2025-02-15', checked_at: '2025-02-15 23:59:59.5', opens_at: '10:00' },
  { title: 'Cookbook', category: 'Book', qty: 12, price: 30, weight: 1.2, in_stock: 0, made_on: '2025-03-20', owner_user: 'sales@example.com', notes: '' },
  { title: 'drill', category: 'Tool', qty: 3, price: 99.99, weight: 2.5, in_stock: 0, checked_at: '2025-03-01 00:00:00', opens_at: '18:30:15', owner_user: 'viewer@example.com', notes: 'cordless' },
  { title: 'Easel', category: '', qty: 1, price: 45, weight: 7, in_stock: 1, made_on: '2025-02-01', checked_at: '2025-02-01T12:00', opens_at: '7:00', owner_user: 'manager@example.com', notes: 'wood' }
]

async function gadgetApp (t: Test): Promise<TestApp> {
  const testApp = await buildTestApp(t, { DOCTYPES_DIR: fixtures })
  for (const gadget of gadgets) await insertDocument(asAdministrator(testApp.site), 'Gadget', gadget)
  return testApp
}

async function titles (testApp: TestApp, params: Record<string, unknown>): Promise<string[]> {
  const res = await call(testApp.app, testApp.keys.viewer, { method: 'GET', url: listUrl('Gadget', { fields: ['title'], order_by: 'title asc', ...params }) })
  if (res.statusCode !== 200) throw new Error(`${res.statusCode}: ${res.body}`)
  return res.json().data.map((row: { title: string }) => row.title)
}

t.test('every filter operator, with Frappe\'s NULL and letter-case rules', async (t) => {
  const testApp = await gadgetApp(t)
  const cases: Array<[string, unknown, string[]]> = [
    ['= on a Select', [['category', '=', 'Tool']], ['Anvil', 'drill']],
    ['= ignores letter case', [['category', '=', 'tool']], ['Anvil', 'drill']],
    ['= "" matches empty and NULL', [['category', '=', '']], ['Easel']],
    ['!= also matches NULL', [['owner_user', '!=', 'manager@example.com']], ['Ball', 'Cookbook', 'drill']],
    ['> on an Int', [['qty', '>', 3]], ['Anvil', 'Cookbook']],
    ['< on an Int, from text', [['qty', '<', '3']], ['Ball', 'Easel']],
    ['>= on a Currency', [['price', '>=', 45]], ['drill', 'Easel']],
    ['<= on a Float', [['weight', '<=', 1.2]], ['Ball', 'Cookbook']],
    ['< on a Date: NULL counts as 0001-01-01', [['made_on', '<', '2025-02-01']], ['Anvil', 'drill']],
    ['> on a Date: NULL never matches', [['made_on', '>', '2025-02-01']], ['Ball', 'Cookbook']],
    ['= on a Datetime without fraction', [['checked_at', '=', '2025-01-10 09:30:00']], ['Anvil']],
    ['= on a Time', [['opens_at', '=', '9:05']], ['Anvil']],
    ['like', [['notes', 'like', '%oo%']], ['Easel']],
    ['like ignores letter case', [['title', 'like', 'D%']], ['drill']],
    ['not like also matches NULL and empty', [['notes', 'not like', '%e%']], ['Ball', 'Cookbook', 'Easel']],
    ['in, a list', [['category', 'in', ['Tool', 'Book']]], ['Anvil', 'Cookbook', 'drill']],
    ['in, comma-separated text', [['category', 'in', 'Tool, Book']], ['Anvil', 'Cookbook', 'drill']],
    ['in, an empty list matches only empty values', [['category', 'in', []]], ['Easel']],
    ['not in also matches empty', [['category', 'not in', ['Tool']]], ['Ball', 'Cookbook', 'Easel']],
    ['is set', [['notes', 'is', 'set']], ['Anvil', 'drill', 'Easel']],
    ['is not set', [['notes', 'is', 'not set']], ['Ball', 'Cookbook']],
    ['between two dates, inclusive', [['made_on', 'between', ['2025-02-01', '2025-02-15']]], ['Ball', 'Easel']],
    ['between dates on a Datetime covers whole days', [['checked_at', 'between', ['2025-02-15', '2025-03-01']]], ['Ball', 'drill']],
    ['between numbers', [['qty', 'between', [1, 5]]], ['Anvil', 'drill', 'Easel']],
    ['Check as 1', [['in_stock', '=', 1]], ['Anvil', 'Ball', 'Easel']],
    ['Check as "0"', [['in_stock', '=', '0']], ['Cookbook', 'drill']],
    ['operators ignore letter case', [['category', 'IN', ['Toy']], ['title', 'NOT LIKE', 'x%']], ['Ball']],
    ['a 4-item filter naming the DocType', [['Gadget', 'qty', '>', 3]], ['Anvil', 'Cookbook']],
    ['a 2-item filter means =', [['category', 'Toy']], ['Ball']],
    ['a single filter as a flat list', ['qty', '>', 10], ['Cookbook']],
    ['object form', { category: 'Tool', qty: ['<', 4] }, ['drill']],
    ['object form with an operator', { made_on: ['between', ['2025-01-01', '2025-01-31']] }, ['Anvil']],
    ['standard fields', [['owner', '=', 'Administrator'], ['docstatus', '=', 0]], ['Anvil', 'Ball', 'Cookbook', 'drill', 'Easel']],
    ['a Link field', { owner_user: 'manager@example.com' }, ['Anvil', 'Easel']]
  ]
  for (const [label, filters, expected] of cases) {
    t.same(await titles(testApp, { filters }), expected, label)
  }
})

t.test('or_filters are OR-ed among themselves and AND-ed with filters', async (t) => {
  const testApp = await gadgetApp(t)
  t.same(await titles(testApp, { or_filters: [['category', '=', 'Toy'], ['qty', '>', 10]] }), ['Ball', 'Cookbook'])
  t.same(await titles(testApp, { filters: [['in_stock', '=', 0]], or_filters: [['category', '=', 'Toy'], ['qty', '>', 10]] }), ['Cookbook'])
  t.same(await titles(testApp, { or_filters: { category: 'Book', title: 'Ball' } }), ['Ball', 'Cookbook'])
})

t.test('pagination, ordering and the page length default', async (t) => {
  const testApp = await gadgetApp(t)
  t.same(await titles(testApp, { limit_page_length: 2 }), ['Anvil', 'Ball'])
  t.same(await titles(testApp, { limit_page_length: 2, limit_start: 2 }), ['Cookbook', 'drill'])
  t.same(await titles(testApp, { limit_page_length: 2, limit_start: 4 }), ['Easel'])
  t.same(await titles(testApp, { limit_page_length: 2, limit_start: 6 }), [])
  t.same(await titles(testApp, { limit: 1 }), ['Anvil'], 'limit is an alias of limit_page_length')
  t.same(await titles(testApp, { limit: 1, limit_page_length: 3 }), ['Anvil', 'Ball', 'Cookbook'], 'limit_page_length wins')
  t.same(await titles(testApp, { limit_page_length: 0, limit_start: 3 }), ['drill', 'Easel'], '0 means no limit')
  t.same(await titles(testApp, { order_by: 'qty desc' }), ['Cookbook', 'Anvil', 'drill', 'Easel', 'Ball'])
  t.same(await titles(testApp, { order_by: '`tabGadget`.`in_stock` asc, price desc' }), ['drill', 'Cookbook', 'Easel', 'Anvil', 'Ball'])
  const newestFirst = await titles(testApp, { order_by: '' })
  t.same(newestFirst, ['Easel', 'drill', 'Cookbook', 'Ball', 'Anvil'], 'without order_by: the DocType sort, modified desc')

  for (let i = 0; i < 25; i++) await insertDocument(asAdministrator(testApp.site), 'Gadget', { title: `Extra ${String(i).padStart(2, '0')}` })
  const res = await call(testApp.app, testApp.keys.viewer, { method: 'GET', url: '/api/resource/Gadget' })
  t.equal(res.json().data.length, 20, 'pages hold 20 rows by default')
  t.same(Object.keys(res.json().data[0]), ['name'], 'and only name by default')
  const pages: string[] = []
  for (let start = 0; start < 30; start += 7) pages.push(...await titles(testApp, { order_by: '', limit_page_length: 7, limit_start: start }))
  t.equal(new Set(pages).size, 30, 'pages of the default order neither overlap nor skip')
})

t.test('fields: values as Frappe sends them, *, aliases, as_dict and counts', async (t) => {
  const testApp = await gadgetApp(t)
  const { app, keys } = testApp
  const res = await call(app, keys.viewer, {
    method: 'GET', url: listUrl('Gadget', { fields: ['title', 'qty', 'price', 'in_stock', 'made_on', 'checked_at', 'opens_at', 'specs', 'notes', 'rating'], filters: { title: ['in', ['Anvil', 'Ball']] }, order_by: 'title asc' })
  })
  t.same(res.json().data, [
    { title: 'Anvil', qty: 5, price: 10.5, in_stock: 1, made_on: '2025-01-10', checked_at: '2025-01-10 09:30:00', opens_at: '9:05:00', specs: '{"kg":20}', notes: 'heavy', rating: 0 },
    { title: 'Ball', qty: 0, price: 2.25, in_stock: 1, made_on: '2025-02-15', checked_at: '2025-02-15 23:59:59.500000', opens_at: '10:00:00', specs: null, notes: null, rating: 0 }
  ], 'list rows carry every requested column, nulls included')

  const star = await call(app, keys.viewer, { method: 'GET', url: listUrl('Gadget', { fields: ['*'], filters: { title: 'Anvil' } }) })
  const row = star.json().data[0]
  t.same(Object.keys(row), ['name', 'owner', 'creation', 'modified', 'modified_by', 'docstatus', 'idx', 'title', 'maker', 'category', 'qty', 'price', 'weight', 'in_stock', 'made_on', 'checked_at', 'opens_at', 'owner_user', 'notes', 'specs', 'rating'])
  t.notOk('doctype' in row, 'list rows carry no doctype')

  const arrays = await call(app, keys.viewer, { method: 'GET', url: listUrl('Gadget', { fields: ['title', 'qty'], order_by: 'title asc', limit: 2, as_dict: 'false' }) })
  t.same(arrays.json().data, [['Anvil', 5], ['Ball', 0]])

  const aliased = await call(app, keys.viewer, { method: 'GET', url: listUrl('Gadget', { fields: ['title as label', '`tabGadget`.`qty`'], order_by: 'label desc', limit: 1 }) })
  t.same(aliased.json().data, [{ label: 'Easel', qty: 1 }])

  const counted = await call(app, keys.viewer, { method: 'GET', url: listUrl('Gadget', { fields: ['count(name) as total', 'sum(qty)'] }) })
  t.same(counted.json().data, [{ total: 5, 'sum(qty)': 21 }])

  const grouped = await call(app, keys.viewer, { method: 'GET', url: listUrl('Gadget', { fields: ['category', 'count(*) as n'], group_by: 'category', order_by: 'n desc, category asc' }) })
  t.same(grouped.json().data, [{ category: 'Tool', n: 2 }, { category: '', n: 1 }, { category: 'Book', n: 1 }, { category: 'Toy', n: 1 }])
})

t.test('bad list parameters are 4xx in Frappe\'s shape and change nothing', async (t) => {
  const testApp = await gadgetApp(t)
  const { app, keys, site } = testApp
  const cases: Array<[string, string, string, RegExp]> = [
    ['malformed filters JSON', '/api/resource/Gadget?filters=[["title","=",', 'ValidationError', /filters must be valid JSON/],
    ['malformed fields JSON', '/api/resource/Gadget?fields=["title"', 'ValidationError', /fields must be valid JSON/],
    ['fields not a list of names', listUrl('Gadget', { fields: { a: 1 } }), 'ValidationError', /fields must be a list/],
    ['an unknown field in fields', listUrl('Gadget', { fields: ['title', 'nope'] }), 'DataError', /^Field not permitted in query: nope$/],
    ['an unknown field in filters', listUrl('Gadget', { filters: [['nope', '=', 1]] }), 'DataError', /^Field not permitted in query: nope$/],
    ['an unknown field in object filters', listUrl('Gadget', { filters: { nope: 1 } }), 'DataError', /^Field not permitted in query: nope$/],
    ['an unknown operator', listUrl('Gadget', { filters: [['title', '~', 'x']] }), 'ValidationError', /^Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between/],
    ['the js-sdk\'s <>', listUrl('Gadget', { filters: [['title', '<>', 'x']] }), 'ValidationError', /^Operator must be one of/],
    ['a tree operator', listUrl('Gadget', { filters: [['title', 'descendants of', 'x']] }), 'ValidationError', /not supported by this server yet/],
    ['is with a bad value', listUrl('Gadget', { filters: [['title', 'is', 'maybe']] }), 'ValidationError', /"set" or "not set"/],
    ['between with a scalar', listUrl('Gadget', { filters: [['qty', 'between', 3]] }), 'ValidationError', /between takes \[from, to\]/],
    ['a number filter with text', listUrl('Gadget', { filters: [['qty', '>', 'many']] }), 'ValidationError', /must be a whole number/],
    ['a filter that is a string', listUrl('Gadget', { filters: ['1=1', 'x'] }), 'DataError', /Field not permitted in query: 1=1/],
    ['a filter item that is not a list', listUrl('Gadget', { filters: [['title', '=', 'a'], 'qty > 1'] }), 'ValidationError', /must itself be a list/],
    ['filters that are a number', listUrl('Gadget', { filters: 5 }), 'ValidationError', /must be an object or a list/],
    ['a child table that is not one', listUrl('Gadget', { filters: [['ToDo', 'status', '=', 'Open']] }), 'DataError', /neither Gadget nor one of its child tables/],
    ['SQL in a field name', listUrl('Gadget', { fields: ['title; drop table tabGadget'] }), 'DataError', /Field not permitted in query/],
    ['a sub-query in fields', listUrl('Gadget', { fields: ['(select password_hash from passwords)'] }), 'DataError', /sub-query or function is restricted/],
    ['a function in fields', listUrl('Gadget', { fields: ['sqlite_version()'] }), 'DataError', /sub-query or function is restricted/],
    ['SQL in an alias', listUrl('Gadget', { fields: ['title as "x"; drop table tabGadget; --"'] }), 'DataError', /Field not permitted|Invalid alias/],
    ['SQL in a filter field', listUrl('Gadget', { filters: [['title) or (1=1', '=', 'x']] }), 'DataError', /Field not permitted in query/],
    ['SQL in order_by', listUrl('Gadget', { order_by: 'title; drop table tabGadget' }), 'DataError', /Cannot use title; in order by|Cannot order by/],
    ['a function in order_by', listUrl('Gadget', { order_by: 'sleep(5)' }), 'DataError', /Cannot use sleep\(5\) in order by/],
    ['a sub-query in order_by', listUrl('Gadget', { order_by: '(select 1) desc' }), 'DataError', /Cannot order by/],
    ['an unknown column in order_by', listUrl('Gadget', { order_by: 'nope desc' }), 'DataError', /Cannot use nope in order by: it is not a field of Gadget/],
    ['another table in order_by', listUrl('Gadget', { order_by: '`tabUser`.`name` asc' }), 'DataError', /in order by/],
    ['SQL in group_by', listUrl('Gadget', { group_by: 'title; drop table tabGadget' }), 'DataError', /in group by/],
    ['a bad limit_start', listUrl('Gadget', { limit_start: 'abc' }), 'ValidationError', /limit_start must be a whole number/],
    ['a negative page length', listUrl('Gadget', { limit_page_length: '-1' }), 'ValidationError', /limit_page_length must be a whole number/],
    ['a bad as_dict', listUrl('Gadget', { as_dict: 'perhaps' }), 'ValidationError', /as_dict must be true or false/]
  ]
  for (const [label, url, excType, message] of cases) {
    const res = await call(app, keys.viewer, { method: 'GET', url })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${label}: a 4xx (${res.statusCode})`)
    t.equal(res.json().exc_type, excType, `${label}: ${excType}`)
    t.match(serverMessages(res.json())[0]?.message, message, `${label}: says what is wrong`)
  }
  const count = await site.db.selectFrom('tabGadget').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(count.n, 5, 'the table and its rows are untouched')
})

t.test('a filter on a child table matches parents having such a row', async (t) => {
  const { app, keys } = await buildTestApp(t)
  await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note', payload: { title: 'Seen by sales', seen_by: [{ user: 'sales@example.com' }] } })
  await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note', payload: { title: 'Seen by nobody' } })
  const res = await call(app, keys.manager, { method: 'GET', url: listUrl('Note', { fields: ['title'], filters: [['Note Seen By', 'user', '=', 'sales@example.com']] }) })
  t.same(res.json().data, [{ title: 'Seen by sales' }])
})

t.test('a page of a list is read from an index in order, not sorted whole for each page', async (t) => {
  const { site } = await buildTestApp(t)
  const cases = [
    { filter: sql``, index: 'tabCustomer_modified_name', label: 'no filter' },
    { filter: sql`where "territory" = ${'India'}`, index: 'tabCustomer_territory_modified_name', label: 'a standard filter field' },
    { filter: sql`where "customer_group" = ${'Commercial'}`, index: 'tabCustomer_customer_group_modified_name', label: 'a search_index field' },
    { filter: sql`where "customer_type" = ${'Company'}`, index: 'tabCustomer_modified_name', label: 'any other field' }
  ]
  for (const { filter, index, label } of cases) {
    for (const order of ['"modified" desc, "name" desc', '"modified" asc, "name" asc', '"modified" desc']) {
      const plan = await sql<{ detail: string }>`explain query plan select "name" from "tabCustomer" ${filter} order by ${sql.raw(order)} limit 20`.execute(site.db)
      const details = plan.rows.map((row) => row.detail).join('; ')
      t.match(details, new RegExp(`USING (COVERING )?INDEX ${index}\\b`), `${label}, ${order}`)
      t.notMatch(details, /TEMP B-TREE/, `${label}, ${order}: no sort of the whole table`)
    }
  }
})
