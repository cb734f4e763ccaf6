import { Validator } from '@seriousme/openapi-schema-validator'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildTestApp, call } from '../helper.js'

const fixtures = fileURLToPath(new URL('../fixtures/doctypes', import.meta.url))

interface OpenApi {
  openapi: string
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example: Record<string, unknown> }> } }>>
  components: { schemas: Record<string, { properties: Record<string, unknown>, required: string[] }>, securitySchemes: Record<string, unknown> }
}

t.test('the OpenAPI document validates against the OpenAPI 3.1 schema and lists every DocType', async (t) => {
  const { app, keys, site } = await buildTestApp(t, { DOCTYPES_DIR: fixtures })
  const res = await call(app, keys.administrator, { method: 'GET', url: '/api/openapi.json' })
  t.equal(res.statusCode, 200)
  const document = res.json() as OpenApi
  const validator = new Validator()
  const result = await validator.validate(document as unknown as Record<string, unknown>)
  t.same(result.errors, undefined, 'no schema errors')
  t.ok(result.valid, 'valid')
  t.equal(validator.version, '3.1')

  for (const meta of site.registry.all()) {
    t.ok(document.components.schemas[meta.name.replace(/[^A-Za-z0-9._-]/g, '_')], `a schema for ${meta.name}`)
    if (meta.isTable) continue
    const path = `/api/resource/${encodeURIComponent(meta.name)}`
    t.ok(meta.isSingle ? document.paths[`${path}/${encodeURIComponent(meta.name)}`] : document.paths[path] !== undefined && document.paths[`${path}/{name}`] !== undefined, `paths for ${meta.name}`)
  }
  t.match(document.components.schemas.Customer, { properties: { customer_name: { type: ['string', 'null'] }, customer_type: { enum: ['Company', 'Individual', 'Partnership', null] }, territory: { description: 'The name of a Territory' } }, required: ['customer_name'] })
  t.match(document.components.schemas.Expense?.properties.amount, { type: 'number' })
  t.match(document.components.securitySchemes, { token: { type: 'apiKey', name: 'Authorization' }, basic: { scheme: 'basic' }, session: { in: 'cookie', name: 'sid' } })
  t.ok(document.paths['/api/method/frappe.client.has_permission'], 'the methods')
  t.match(document.paths['/api/resource/Customer']?.post?.requestBody?.content['application/json']?.example, { customer_name: 'Customer Name 1', territory: 'All Territories' }, 'examples link to documents the caller may read')

  t.same(document.components.schemas['Customer.update']?.required, [], 'an update may leave out any field')
  t.match(document, { servers: [{ url: '/' }] }, 'served from wherever it was read')

  const sales = (await call(app, keys.sales, { method: 'GET', url: '/api/openapi.json' })).json() as OpenApi
  t.ok(sales.components.schemas.Customer, 'a Sales User sees Customer')
  t.notOk(sales.components.schemas.Expense, 'but not a DocType no role of theirs has a right on')
  t.notOk('territory' in ((await call(app, keys.viewer, { method: 'GET', url: '/api/openapi.json' })).json() as OpenApi).components.schemas, 'nor a viewer Territory')
  const guest = (await call(app, undefined, { method: 'GET', url: '/api/openapi.json' })).json() as OpenApi
  t.notOk(guest.components.schemas.Customer, 'a Guest sees no Customer')
  t.notOk(guest.paths['/api/resource/User'], 'nor User')
})

t.test('Swagger UI at /api/docs shows the same document', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const ui = await call(app, undefined, { method: 'GET', url: '/api/docs' })
  t.equal(ui.statusCode, 200)
  t.match(ui.headers['content-type'], /text\/html/)
  t.match(ui.headers['content-security-policy'], /script-src/, 'the page may run its own scripts')
  t.notMatch(ui.headers['content-security-policy'], /upgrade-insecure-requests/, 'over plain http too')
  t.match((await call(app, keys.administrator, { method: 'GET', url: '/api/docs/yaml' })).body, /\/api\/resource\/Customer/, 'the YAML form holds the document too')
  t.equal((await call(app, undefined, { method: 'GET', url: '/api/docs/static/swagger-initializer.js' })).statusCode, 200)
  const shown = await call(app, keys.administrator, { method: 'GET', url: '/api/docs/json' })
  const served = await call(app, keys.administrator, { method: 'GET', url: '/api/openapi.json' })
  t.same(shown.json(), served.json())
})
