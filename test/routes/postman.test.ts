import { promisify } from 'node:util'
import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman'
import t from 'tap'
import type { PostmanCollection } from '../../src/describe/postman.js'
import { buildTestApp, call } from '../helper.js'

const run = promisify<NewmanRunOptions, NewmanRunSummary>(newman.run)

t.test('the Postman collection: variables, the header set once, a folder per DocType', async (t) => {
  const { app, keys, site } = await buildTestApp(t)
  const res = await call(app, keys.administrator, { method: 'GET', url: '/api/postman.json' })
  t.equal(res.statusCode, 200)
  const collection = res.json() as PostmanCollection
  t.equal(collection.info.schema, 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json')
  t.match(collection.variable.map((variable) => variable.key), ['base_url', 'api_key', 'api_secret'])
  t.same(collection.auth.apikey.map(({ key, value }) => [key, value]), [['key', 'Authorization'], ['value', 'token {{api_key}}:{{api_secret}}'], ['in', 'header']])
  const documents = site.registry.all().filter((meta) => !meta.isTable).map((meta) => meta.name).sort((a, b) => a.localeCompare(b))
  t.same(collection.item.map((folder) => folder.name), documents, 'one folder per DocType with documents of its own')
  const customer = collection.item.find((folder) => folder.name === 'Customer')
  t.same(customer?.item.map((item) => item.request.method), ['GET', 'POST', 'GET', 'PUT', 'DELETE'])
  t.match(JSON.parse(customer?.item[1]?.request.body?.raw ?? '{}'), { customer_name: /^Customer Name \{\{\$randomUUID\}\}$/, customer_type: 'Company', territory: 'All Territories' }, 'an example body')
})

t.test('newman runs the exported collection against the running server, and every request passes', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const collection = (await call(app, keys.administrator, { method: 'GET', url: '/api/postman.json' })).json() as PostmanCollection
  const summary = await run({
    collection: collection as unknown as NewmanRunOptions['collection'],
    envVar: [{ key: 'base_url', value: address }, { key: 'api_key', value: keys.administrator.api_key }, { key: 'api_secret', value: keys.administrator.api_secret }],
    reporters: []
  })
  const failures = summary.run.failures.map((failure) => `${failure.source?.name ?? '?'}: ${failure.error.message}`)
  t.same(failures, [], 'no request failed')
  t.equal(summary.run.stats.requests.total, collection.item.reduce((count, folder) => count + folder.item.length, 0), 'every request ran')
  t.equal(summary.run.stats.assertions.failed, 0)
  t.ok((summary.run.stats.assertions.total ?? 0) >= (summary.run.stats.requests.total ?? 1), 'each was checked')
})

t.test('Get, Update and Delete never touch a document the collection did not make', async (t) => {
  const { app, keys, site } = await buildTestApp(t)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const collection = (await call(app, keys.administrator, { method: 'GET', url: '/api/postman.json' })).json() as PostmanCollection
  t.ok(collection.variable.filter((variable) => variable.key.endsWith('_name')).every((variable) => variable.value === ''), 'no name to start from')
  const todo = collection.item.find((folder) => folder.name === 'ToDo')
  const failingCreate = { ...todo?.item[1], request: { ...todo?.item[1]?.request, body: { mode: 'raw', raw: '{"status": "No Such Status"}', options: { raw: { language: 'json' } } } } }
  const alone = { ...collection, item: [{ name: 'ToDo', description: '', item: [todo?.item[3], todo?.item[4], failingCreate, todo?.item[4]] }] }
  const before = await site.db.selectFrom('tabToDo').select('name').execute()
  const summary = await run({
    collection: alone as unknown as NewmanRunOptions['collection'],
    envVar: [{ key: 'base_url', value: address }, { key: 'api_key', value: keys.administrator.api_key }, { key: 'api_secret', value: keys.administrator.api_secret }],
    reporters: []
  })
  t.equal(summary.run.stats.requests.total, 1, 'only the create was sent: the others had no name and were skipped')
  t.same(await site.db.selectFrom('tabToDo').select('name').execute(), before, 'and nothing was changed or deleted')
})
