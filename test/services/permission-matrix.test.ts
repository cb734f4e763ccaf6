import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { createApiKey, type IssuedKey } from '../../src/services/auth/api-keys.js'
import { createUser } from '../../src/services/user-admin.js'
import { buildTestApp, call, listUrl, type TestApp } from '../helper.js'

const fixtures = fileURLToPath(new URL('../fixtures/doctypes', import.meta.url))

type Actor = 'emp1' | 'emp2' | 'approver' | 'auditor' | 'browser' | 'guest' | 'manager' | 'administrator'

const roleOf: Record<Actor, string[] | undefined> = {
  emp1: ['Employee'],
  emp2: ['Employee'],
  approver: ['Expense Approver'],
  auditor: ['Expense Auditor'],
  browser: ['Expense Browser'],
  guest: undefined,
  manager: undefined,
  administrator: undefined
}

interface World extends TestApp {
  key: (actor: Actor) => IssuedKey | undefined
}

/** A database file with the world below, and the keys its users hold. */
interface Template {
  readonly file: string
  readonly keys: ReadonlyMap<Actor, IssuedKey>
}

const folder = mkdtempSync(join(tmpdir(), 'permission-matrix-'))
t.teardown(() => { rmSync(folder, { recursive: true, force: true }) })
let files = 0

/**
 * Builds the world once, in a file: E1 and E2 owned by emp1, E3 by emp2, each with notes at
 * permlevels 1 and 2; then `customize` runs as Administrator. Each matrix row gets a copy.
 */
async function template (customize: (app: TestApp, administrator: IssuedKey) => Promise<void> = async () => {}): Promise<Template> {
  const file = join(folder, `template-${files++}.db`)
  const testApp = await buildTestApp(t, { DOCTYPES_DIR: fixtures, DATABASE_URL: file })
  const keys = new Map<Actor, IssuedKey>()
  for (const [actor, roles] of Object.entries(roleOf) as Array<[Actor, string[] | undefined]>) {
    if (roles === undefined) continue
    const name = await createUser(testApp.site, { email: `${actor}@example.com`, fullName: actor, roles, password: undefined })
    keys.set(actor, await createApiKey(testApp.site.db, name))
  }
  keys.set('manager', testApp.keys.manager)
  keys.set('administrator', testApp.keys.administrator)
  for (const [title, owner] of [['E1', 'emp1'], ['E2', 'emp1'], ['E3', 'emp2']] as const) {
    await call(testApp.app, keys.get(owner), { method: 'POST', url: '/api/resource/Expense', payload: { title, amount: 10 } })
    await call(testApp.app, keys.get('manager'), { method: 'PUT', url: `/api/resource/Expense/${title}`, payload: { approver_note: `note ${title}`, audit_code: `code ${title}` } })
  }
  await customize(testApp, testApp.keys.administrator)
  await testApp.app.close()
  return { file, keys }
}

const shipped = template()

/** A fresh copy of a template's world. */
async function world (t: Test, from: Promise<Template> = shipped): Promise<World> {
  const { file, keys } = await from
  const copy = join(folder, `world-${files++}.db`)
  copyFileSync(file, copy)
  const testApp = await buildTestApp(t, { DOCTYPES_DIR: fixtures, DATABASE_URL: copy })
  return { ...testApp, key: (actor) => keys.get(actor) }
}

type Operation = (w: World, actor: Actor) => Promise<unknown>

const status = (res: LightMyRequestResponse): number => res.statusCode
const as = (w: World, actor: Actor, options: Parameters<typeof call>[2]): Promise<LightMyRequestResponse> => call(w.app, w.key(actor), options)

const operations: Record<string, Operation> = {
  'list: rows': async (w, a) => {
    const res = await as(w, a, { method: 'GET', url: listUrl('Expense', { fields: ['name'], order_by: 'name asc' }) })
    return res.statusCode === 200 ? res.json().data.map((r: { name: string }) => r.name).join(',') : res.statusCode
  },
  'list: fields': async (w, a) => {
    const res = await as(w, a, { method: 'GET', url: listUrl('Expense', { fields: ['name', 'title', 'amount', 'approver_note', 'audit_code'], limit: 1 }) })
    return res.statusCode === 200 ? Object.keys(res.json().data[0] ?? {}).join(',') : res.statusCode
  },
  'list: filter on a level-1 field': async (w, a) => status(await as(w, a, { method: 'GET', url: listUrl('Expense', { filters: { approver_note: ['like', 'note%'] } }) })),
  'get E1': async (w, a) => status(await as(w, a, { method: 'GET', url: '/api/resource/Expense/E1' })),
  'get E1: fields': async (w, a) => {
    const res = await as(w, a, { method: 'GET', url: '/api/resource/Expense/E1' })
    return res.statusCode === 200 ? ['approver_note', 'audit_code'].filter((f) => f in res.json().data).join(',') || 'level 0 only' : res.statusCode
  },
  'get E3': async (w, a) => status(await as(w, a, { method: 'GET', url: '/api/resource/Expense/E3' })),
  'put E1': async (w, a) => status(await as(w, a, { method: 'PUT', url: '/api/resource/Expense/E1', payload: { amount: 11 } })),
  'put E3': async (w, a) => status(await as(w, a, { method: 'PUT', url: '/api/resource/Expense/E3', payload: { amount: 12 } })),
  'put E1 level-1 note: stored': async (w, a) => {
    const res = await as(w, a, { method: 'PUT', url: '/api/resource/Expense/E1', payload: { approver_note: `by ${a}` } })
    const stored = await w.site.db.selectFrom('tabExpense').select('approver_note').where('name', '=', 'E1').executeTakeFirstOrThrow()
    return res.statusCode === 200 ? String(stored.approver_note) : res.statusCode
  },
  post: async (w, a) => status(await as(w, a, { method: 'POST', url: '/api/resource/Expense', payload: { title: `new by ${a}` } })),
  'delete E2': async (w, a) => status(await as(w, a, { method: 'DELETE', url: '/api/resource/Expense/E2' })),
  'has_permission write E3': async (w, a) => {
    const res = await as(w, a, { method: 'GET', url: '/api/method/frappe.client.has_permission?doctype=Expense&docname=E3&perm_type=write' })
    return res.statusCode === 200 ? res.json().message.has_permission : res.statusCode
  },
  'get_doc_permissions E1: read,write,delete': async (w, a) => {
    const res = await as(w, a, { method: 'GET', url: '/api/method/frappe.client.get_doc_permissions?doctype=Expense&docname=E1' })
    if (res.statusCode !== 200) return res.statusCode
    const p = res.json().message.permissions
    return `${p.read as number}${p.write as number}${p.delete as number}`
  }
}

const everyRight = { 'list: rows': 'E1,E2,E3', 'list: fields': 'name,title,amount,approver_note,audit_code', 'list: filter on a level-1 field': 200, 'get E1': 200, 'get E1: fields': 'approver_note,audit_code', 'get E3': 200, 'put E1': 200, 'put E3': 200, post: 200, 'delete E2': 202, 'has_permission write E3': true, 'get_doc_permissions E1: read,write,delete': '111' }

/** users x operations -> answer: what each user may see and do. */
const expected: Record<Actor, Record<string, unknown>> = {
  emp1: { 'list: rows': 'E1,E2', 'list: fields': 'name,title,amount', 'list: filter on a level-1 field': 417, 'get E1': 200, 'get E1: fields': 'level 0 only', 'get E3': 403, 'put E1': 200, 'put E3': 403, 'put E1 level-1 note: stored': 'note E1', post: 200, 'delete E2': 202, 'has_permission write E3': false, 'get_doc_permissions E1: read,write,delete': '111' },
  emp2: { 'list: rows': 'E3', 'list: fields': 'name,title,amount', 'list: filter on a level-1 field': 417, 'get E1': 403, 'get E1: fields': 403, 'get E3': 200, 'put E1': 403, 'put E3': 200, 'put E1 level-1 note: stored': 403, post: 200, 'delete E2': 403, 'has_permission write E3': true, 'get_doc_permissions E1: read,write,delete': '000' },
  approver: { 'list: rows': 'E1,E2,E3', 'list: fields': 'name,title,amount,approver_note', 'list: filter on a level-1 field': 200, 'get E1': 200, 'get E1: fields': 'approver_note', 'get E3': 200, 'put E1': 200, 'put E3': 200, 'put E1 level-1 note: stored': 'by approver', post: 403, 'delete E2': 403, 'has_permission write E3': true, 'get_doc_permissions E1: read,write,delete': '110' },
  auditor: { 'list: rows': 'E1,E2,E3', 'list: fields': 'name,title,amount,approver_note,audit_code', 'list: filter on a level-1 field': 200, 'get E1': 200, 'get E1: fields': 'approver_note,audit_code', 'get E3': 200, 'put E1': 403, 'put E3': 403, 'put E1 level-1 note: stored': 403, post: 403, 'delete E2': 403, 'has_permission write E3': false, 'get_doc_permissions E1: read,write,delete': '100' },
  browser: { 'list: rows': 'E1,E2,E3', 'list: fields': 'name,title', 'list: filter on a level-1 field': 417, 'get E1': 403, 'get E1: fields': 403, 'get E3': 403, 'put E1': 403, 'put E3': 403, 'put E1 level-1 note: stored': 403, post: 403, 'delete E2': 403, 'has_permission write E3': false, 'get_doc_permissions E1: read,write,delete': '000' },
  guest: { 'list: rows': 403, 'list: fields': 403, 'list: filter on a level-1 field': 403, 'get E1': 403, 'get E1: fields': 403, 'get E3': 403, 'put E1': 403, 'put E3': 403, 'put E1 level-1 note: stored': 403, post: 403, 'delete E2': 403, 'has_permission write E3': 403, 'get_doc_permissions E1: read,write,delete': 403 },
  manager: { ...everyRight, 'put E1 level-1 note: stored': 'by manager' },
  administrator: { ...everyRight, 'put E1 level-1 note: stored': 'by administrator' }
}

/** Runs each row of a matrix on its own copy of the world; answers how many rows there were. */
async function runMatrix (t: Test, matrix: Record<Actor, Record<string, unknown>>, from?: Promise<Template>): Promise<number> {
  let rows = 0
  for (const actor of Object.keys(matrix) as Actor[]) {
    for (const [operation, answer] of Object.entries(matrix[actor])) {
      const w = await world(t, from)
      t.same(await operations[operation]?.(w, actor), answer, `${actor} / ${operation}`)
      rows++
      await w.app.close()
    }
  }
  return rows
}

t.test('users x operations on a DocType with if_owner, select-only and permlevel rows', async (t) => {
  const rows = await runMatrix(t, expected)
  t.ok(rows >= 100, `${rows} rows in the matrix`)
})

/**
 * Custom DocPerm rows that replace Expense's shipped ones: Employee reads and writes every
 * expense but deletes none, Expense Approver loses every row, Expense Auditor writes level 0 and
 * reads level 2 only, Expense Browser reads instead of selecting; System Manager keeps its rows.
 */
const customRows = [
  { role: 'Employee', read: 1, write: 1, create: 1 },
  { role: 'Expense Auditor', read: 1, write: 1, report: 1 },
  { role: 'Expense Auditor', permlevel: 2, read: 1 },
  { role: 'Expense Browser', read: 1 },
  { role: 'System Manager', read: 1, write: 1, create: 1, delete: 1 },
  { role: 'System Manager', permlevel: 1, read: 1, write: 1 },
  { role: 'System Manager', permlevel: 2, read: 1, write: 1 }
]

const customized = template(async ({ app }, administrator) => {
  for (const row of customRows) {
    const res = await call(app, administrator, { method: 'POST', url: '/api/resource/Custom DocPerm', payload: { parent: 'Expense', export: 0, ...row } })
    if (res.statusCode !== 200) throw new Error(res.body)
  }
})

const nothing = Object.fromEntries(Object.keys(everyRight).concat('put E1 level-1 note: stored').map((operation) => [operation, 403]))

/** users x operations -> answer, under the Custom DocPerm rows above. */
const expectedCustomized: Record<Actor, Record<string, unknown>> = {
  emp1: { 'list: rows': 'E1,E2,E3', 'list: fields': 'name,title,amount', 'list: filter on a level-1 field': 417, 'get E1': 200, 'get E1: fields': 'level 0 only', 'get E3': 200, 'put E1': 200, 'put E3': 200, 'put E1 level-1 note: stored': 'note E1', post: 200, 'delete E2': 403, 'has_permission write E3': true, 'get_doc_permissions E1: read,write,delete': '110' },
  emp2: { 'list: rows': 'E1,E2,E3', 'get E1': 200, 'put E1': 200, 'delete E2': 403, 'get_doc_permissions E1: read,write,delete': '110' },
  approver: { ...nothing, 'has_permission write E3': false, 'get_doc_permissions E1: read,write,delete': '000' },
  auditor: { 'list: rows': 'E1,E2,E3', 'list: fields': 'name,title,amount,audit_code', 'list: filter on a level-1 field': 417, 'get E1: fields': 'audit_code', 'put E3': 200, 'put E1 level-1 note: stored': 'note E1', post: 403, 'delete E2': 403, 'has_permission write E3': true, 'get_doc_permissions E1: read,write,delete': '110' },
  browser: { 'list: rows': 'E1,E2,E3', 'list: fields': 'name,title,amount', 'get E1': 200, 'get E1: fields': 'level 0 only', 'put E1': 403, post: 403, 'has_permission write E3': false, 'get_doc_permissions E1: read,write,delete': '100' },
  guest: nothing,
  manager: { ...everyRight, 'put E1 level-1 note: stored': 'by manager' },
  administrator: { ...everyRight, 'put E1 level-1 note: stored': 'by administrator' }
}

t.test('users x operations under Custom DocPerm rows, which replace the shipped rows entirely', async (t) => {
  const rows = await runMatrix(t, expectedCustomized, customized)
  t.ok(rows >= 60, `${rows} rows in the matrix`)
})

t.test('lists restricted to the user\'s own rows paginate in SQL: no row missing or repeated', async (t) => {
  const w = await world(t)
  for (let i = 0; i < 25; i++) {
    await call(w.app, w.key('emp1'), { method: 'POST', url: '/api/resource/Expense', payload: { title: `mine ${String(i).padStart(2, '0')}` } })
    await call(w.app, w.key('emp2'), { method: 'POST', url: '/api/resource/Expense', payload: { title: `theirs ${String(i).padStart(2, '0')}` } })
  }
  const all = await call(w.app, w.key('emp1'), { method: 'GET', url: listUrl('Expense', { fields: ['name', 'owner'], limit_page_length: 0 }) })
  const everything = all.json().data as Array<{ name: string, owner: string }>
  t.equal(everything.length, 27, 'E1, E2 and 25 more')
  t.ok(everything.every((row) => row.owner === 'emp1@example.com'), 'all the user\'s own')
  const pages: string[] = []
  for (let start = 0; start < 27; start += 7) {
    const page = await call(w.app, w.key('emp1'), { method: 'GET', url: listUrl('Expense', { fields: ['name'], limit_page_length: 7, limit_start: start }) })
    const rows = page.json().data as Array<{ name: string }>
    t.ok(rows.length === 7 || start + rows.length === 27, `page at ${start} is full unless it is the last`)
    pages.push(...rows.map((row) => row.name))
  }
  t.same(pages, everything.map((row) => row.name), 'page after page, the same rows in the same order')
  const beyond = await call(w.app, w.key('emp1'), { method: 'GET', url: listUrl('Expense', { limit_page_length: 7, limit_start: 28 }) })
  t.same(beyond.json().data, [], 'and nothing past the end')
})

t.test('shares give one user, or everyone, rights on one document', async (t) => {
  const w = await world(t)
  const share = async (actor: Actor, payload: Record<string, unknown>): Promise<LightMyRequestResponse> =>
    await as(w, actor, { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Expense', ...payload } })
  t.equal((await as(w, 'emp2', { method: 'GET', url: '/api/resource/Expense/E1' })).statusCode, 403, 'before: not emp2\'s')
  t.equal((await share('emp2', { name: 'E1', user: 'emp2@example.com' })).statusCode, 403, 'only who holds share may share')

  const shared = await share('emp1', { name: 'E1', user: 'emp2@example.com', read: 1 })
  t.equal(shared.statusCode, 200)
  t.match(shared.json().message, { doctype: 'DocShare', share_doctype: 'Expense', share_name: 'E1', user: 'emp2@example.com', read: 1, write: 0 })
  const read = await as(w, 'emp2', { method: 'GET', url: '/api/resource/Expense/E1' })
  t.equal(read.statusCode, 200, 'a read share opens the document')
  t.notOk('approver_note' in read.json().data, 'at level 0 only')
  t.same((await operations['list: rows']?.(w, 'emp2')), 'E1,E3', 'and adds it to lists')
  t.equal((await as(w, 'emp2', { method: 'PUT', url: '/api/resource/Expense/E1', payload: { amount: 1 } })).statusCode, 403, 'not for writing')
  t.equal((await as(w, 'emp2', { method: 'GET', url: '/api/method/frappe.client.has_permission?doctype=Expense&docname=E1' })).json().message.has_permission, true)

  await share('emp1', { name: 'E1', user: 'emp2@example.com', read: 1, write: 1 })
  t.equal((await as(w, 'emp2', { method: 'PUT', url: '/api/resource/Expense/E1', payload: { amount: 1 } })).statusCode, 200, 'a write share lets them write')
  const rows = await w.site.db.selectFrom('tabDocShare').select('name').where('share_name', '=', 'E1').execute()
  t.equal(rows.length, 1, 'sharing again updates the one share')

  const viewer = w.keys.viewer
  t.equal((await call(w.app, viewer, { method: 'GET', url: '/api/resource/Expense' })).statusCode, 403, 'no roles, no shares: no list')
  await as(w, 'administrator', { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Expense', name: 'E3', everyone: 1 } })
  const everyone = await call(w.app, viewer, { method: 'GET', url: listUrl('Expense', { fields: ['name', 'amount'] }) })
  t.same(everyone.json().data, [{ name: 'E3', amount: 10 }], 'shared with everyone: listed for anyone logged in')

  await as(w, 'emp1', { method: 'POST', url: '/api/method/frappe.share.remove', payload: { doctype: 'Expense', name: 'E1', user: 'emp2@example.com' } })
  t.equal((await as(w, 'emp2', { method: 'GET', url: '/api/resource/Expense/E1' })).statusCode, 403, 'a removed share closes it again')

  await share('emp1', { name: 'E2', user: 'emp2@example.com' })
  t.equal((await as(w, 'emp1', { method: 'DELETE', url: '/api/resource/Expense/E2' })).statusCode, 202, 'a shared document can be deleted')
  t.same(await w.site.db.selectFrom('tabDocShare').select('name').where('share_name', '=', 'E2').execute(), [], 'and its shares go with it')
})

t.test('no value of a field the user may not read leaks through sorting, grouping, counting or filtering', async (t) => {
  const w = await world(t)
  const probe = async (actor: Actor, params: Record<string, unknown>): Promise<number> => status(await as(w, actor, { method: 'GET', url: listUrl('Expense', params) }))
  t.equal(await probe('emp1', { order_by: 'approver_note desc' }), 417, 'order_by on a level-1 field')
  t.equal(await probe('emp1', { fields: ['count(*) as n'], group_by: 'approver_note' }), 417, 'group_by on it')
  const counted = await as(w, 'emp1', { method: 'GET', url: listUrl('Expense', { fields: ['count(distinct approver_note) as n', 'count(*) as rows'] }) })
  t.same(counted.json().data, [{ rows: 2 }], 'an aggregate over it is left out like the field')
  t.equal(await probe('browser', { filters: [['owner', 'like', 'emp1%']] }), 417, 'a select-only user filters on search fields only')
  t.equal(await probe('browser', { order_by: 'amount desc' }), 417)
  t.equal(await probe('browser', { filters: [['title', 'like', 'E%']] }), 200)
  t.equal(await probe('approver', { order_by: 'approver_note desc' }), 200, 'who may read it may sort by it')
})

t.test('frappe.share.add: any right shared includes read; submit only where there is one', async (t) => {
  const w = await world(t)
  const shared = await as(w, 'emp1', { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Expense', name: 'E1', user: 'emp2@example.com', read: 0, write: 1 } })
  t.match(shared.json().message, { read: 1, write: 1 })
  t.equal((await as(w, 'emp2', { method: 'GET', url: '/api/resource/Expense/E1' })).statusCode, 200)
  t.equal((await as(w, 'emp1', { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Expense', name: 'E1', user: 'emp2@example.com', submit: 1 } })).statusCode, 417)
  t.equal((await as(w, 'administrator', { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Has Role', name: 'x', user: 'emp2@example.com' } })).statusCode, 417, 'child rows are shared with their parent')
})
