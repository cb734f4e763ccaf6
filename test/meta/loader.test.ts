import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { DocTypeDefinitionError, loadDocTypes } from '../../src/meta/loader.js'
import { shippedDocTypesDir } from '../../src/paths.js'
import { openSite } from '../../src/startup.js'
import { buildTestApp, call } from '../helper.js'

const frappeApp = fileURLToPath(new URL('../fixtures/frappe-app', import.meta.url))

function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'doctypes-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

function writeDocType (dir: string, folder: string, definition: unknown): void {
  mkdirSync(join(dir, folder), { recursive: true })
  writeFileSync(join(dir, folder, `${folder}.json`), typeof definition === 'string' ? definition : JSON.stringify(definition))
}

t.test('the shipped DocTypes load; layout fields hold no column', async (t) => {
  const registry = loadDocTypes([shippedDocTypesDir])
  t.same(registry.all().map((meta) => meta.name).sort(), ['Custom DocPerm', 'Customer', 'Customer Group', 'DocShare', 'Has Role', 'Note', 'Note Seen By', 'Role', 'Territory', 'ToDo', 'User', 'User Permission'])
  const todo = registry.get('ToDo')
  t.notOk(todo.fieldsByName.has('description_and_status'), 'a Section Break is no field')
  t.notOk(todo.fieldsByName.has('column_break_2'), 'nor a Column Break')
  t.same(todo.columns.slice(0, 7).map((f) => f.fieldname), ['name', 'owner', 'creation', 'modified', 'modified_by', 'docstatus', 'idx'])
  t.equal(registry.get('Note').tables[0]?.options, 'Note Seen By')
})

t.test('an app\'s doctype folder tree loads unchanged, other JSON is skipped', async (t) => {
  const { app, keys } = await buildTestApp(t, { DOCTYPES_DIR: frappeApp })
  const created = await call(app, keys.sales, {
    method: 'POST',
    url: '/api/resource/Sales Visit',
    payload: { customer: 'Initech', items: [{ product: 'Widget', rate: 12.5 }, { product: 'Gizmo', qty: 3 }] }
  })
  t.equal(created.statusCode, 200)
  const visit = created.json().data
  t.match(visit.name, /^VISIT-\d{4}-00001$/, 'format: naming with a counter')
  t.match(visit, { customer: 'Initech', status: 'Planned', doctype: 'Sales Visit' })
  t.same(visit.items.map((i: { product: string, qty: number, rate: number }) => [i.product, i.qty, i.rate]), [['Widget', 1, 12.5], ['Gizmo', 3, 0]])
  const second = await call(app, keys.sales, { method: 'POST', url: '/api/resource/Sales Visit', payload: { customer: 'Initech' } })
  t.match(second.json().data.name, /-00002$/, 'the counter moves on')
  const negative = await call(app, keys.sales, { method: 'POST', url: '/api/resource/Sales Visit', payload: { customer: 'Initech', items: [{ product: 'x', qty: -1 }] } })
  t.equal(negative.statusCode, 417, 'non_negative is enforced')
  const missingRow = await call(app, keys.sales, { method: 'POST', url: '/api/resource/Sales Visit', payload: { customer: 'Initech', items: [{ qty: 2 }] } })
  t.equal(missingRow.statusCode, 417)
  t.match(missingRow.json()._server_messages, /Sales Visit Item<\/strong> Row #1: Value missing for: Product/)
})

t.test('broken definitions stop the start with every problem, naming each file', async (t) => {
  const dir = tempDir(t)
  writeDocType(dir, 'broken_json', '{"doctype": "DocType", "name": ')
  writeDocType(dir, 'no_fields', { doctype: 'DocType', name: 'No Fields' })
  writeDocType(dir, 'bad_types', {
    doctype: 'DocType',
    name: 'Bad Types',
    autoname: 'field:missing_field',
    fields: [
      { fieldname: 'a', fieldtype: 'Hologram' },
      { fieldname: 'b', fieldtype: 'Data' },
      { fieldname: 'b', fieldtype: 'Int' },
      { fieldname: 'name', fieldtype: 'Data' },
      { fieldname: 'bad name', fieldtype: 'Data' },
      { fieldname: 'c', fieldtype: 'Link', options: 'Starship' },
      { fieldname: 'd', fieldtype: 'Table', options: 'Cargo Row' },
      { fieldname: 'e', fieldtype: 'Table', options: 'Customer' },
      { fieldname: 'f', fieldtype: 'Link' }
    ]
  })
  writeDocType(dir, 'customer', { doctype: 'DocType', name: 'Customer', fields: [] })
  writeFileSync(join(dir, 'package.json'), '{"name": "not a doctype"}')
  writeFileSync(join(dir, 'fixtures.json'), '[1, 2')
  const error = t.throws(() => loadDocTypes([shippedDocTypesDir, dir])) as DocTypeDefinitionError
  t.type(error, DocTypeDefinitionError)
  const problems = error.problems.join('\n')
  const prefix = dir.split('/').pop() ?? ''
  for (const expected of [
    `${prefix}/broken_json/broken_json.json: not valid JSON`,
    `${prefix}/no_fields/no_fields.json: / must have required property 'fields'`,
    'field a has an unknown fieldtype "Hologram"',
    'field b is defined twice',
    'field name takes the name of a standard field',
    'needs a fieldname of letters, digits and "_", not "bad name"',
    'autoname "field:missing_field" names the missing field missing_field',
    'Link field f needs options naming its target',
    'Link field c points at DocType "Starship", which is not defined',
    'Table field d points at DocType "Cargo Row", which is not defined',
    'Table field e points at "Customer", which is not a child table (istable)',
    'DocType "Customer" is already defined in doctypes/selling/customer/customer.json'
  ]) {
    t.ok(problems.includes(expected), `reports: ${expected}`)
  }
  t.notMatch(problems, /package\.json|fixtures\.json/, 'JSON that is not a definition is skipped')
  await t.rejects(openSite(loadConfig({ DATABASE_URL: ':memory:', DOCTYPES_DIR: dir })), DocTypeDefinitionError, 'the server does not start')
})

t.test('a field added to a definition adds its column at the next start', async (t) => {
  const dir = tempDir(t)
  const definition = {
    doctype: 'DocType',
    name: 'Plant',
    autoname: 'field:plant_name',
    fields: [{ fieldname: 'plant_name', fieldtype: 'Data', reqd: 1 }],
    permissions: [{ role: 'All', read: 1, write: 1, create: 1 }]
  }
  writeDocType(dir, 'plant', definition)
  const env = { DATABASE_URL: join(dir, 'data', 'site.db'), DOCTYPES_DIR: dir, LOG_LEVEL: 'silent' }
  const first = await buildTestApp(t, env)
  t.equal((await call(first.app, first.keys.administrator, { method: 'POST', url: '/api/resource/Plant', payload: { plant_name: 'Fern' } })).statusCode, 200)
  await first.app.close()

  writeDocType(dir, 'plant', { ...definition, fields: [...definition.fields, { fieldname: 'height', fieldtype: 'Float' }, { fieldname: 'latin', fieldtype: 'Data' }] })
  const second = await buildTestApp(t, env)
  const fern = await call(second.app, second.keys.administrator, { method: 'GET', url: '/api/resource/Plant/Fern' })
  t.match(fern.json().data, { plant_name: 'Fern', height: 0 }, 'the stored document gains the new fields')
  const updated = await call(second.app, second.keys.administrator, { method: 'PUT', url: '/api/resource/Plant/Fern', payload: { latin: 'Polypodiopsida', height: 0.4 } })
  t.match(updated.json().data, { latin: 'Polypodiopsida', height: 0.4 })
})
