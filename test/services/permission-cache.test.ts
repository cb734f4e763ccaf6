import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { guestUser } from '../../src/services/users.js'
import { buildTestApp, call, listUrl, type TestApp } from '../helper.js'

t.test('permissions are resolved once per version, and a change made elsewhere is seen after recheckMs at the latest', async (t) => {
  const { site } = await buildTestApp(t)
  const { permissions, registry, db } = site
  const customer = registry.get('Customer')
  const first = await permissions.current(db, 0)
  t.equal(first.access(guestUser, customer), first.access(guestUser, customer), 'one resolution per user and DocType')
  t.equal(await permissions.current(db, 10), first, 'the same snapshot while the version is trusted')

  await sql`update permission_version set version = version + 1`.execute(db)
  t.equal(await permissions.current(db, permissions.recheckMs - 1), first, 'a change by another process: unseen within the bound')
  const second = await permissions.current(db, permissions.recheckMs)
  t.not(second, first, 'seen once the bound has passed')
  t.equal(second.version, first.version + 1)
  t.equal(await permissions.current(db, permissions.recheckMs + 1), second, 'and trusted again')
  t.equal(await permissions.current(db, permissions.recheckMs * 3), second, 'an unchanged version keeps the snapshot')
})

t.test('a transaction keeps what it reads of committed permissions, and forgets what it reads of its own changes', async (t) => {
  const { site } = await buildTestApp(t)
  const { permissions, registry, db } = site
  const kept = await db.transaction().execute(async (trx) => await permissions.current(trx, 0))
  t.equal(await permissions.current(db, 1), kept, 'a write that changes no permission keeps the snapshot it read')
  t.equal(await db.transaction().execute(async (trx) => await permissions.current(trx, permissions.recheckMs * 2)), kept, 'and rechecks it')

  const rolledBack = db.transaction().execute(async (trx) => {
    await permissions.changed(trx, registry.get('Custom DocPerm'))
    const own = await permissions.current(trx, permissions.recheckMs * 3)
    t.not(own, kept, 'its own change is seen inside the transaction')
    throw new Error('roll back')
  })
  await t.rejects(rolledBack, /roll back/)
  const after = await permissions.current(db, permissions.recheckMs * 3 + 1)
  t.equal(after.version, kept.version, 'the change rolled back: the version is the committed one')
  t.equal(after, kept, 'and the snapshot read inside it was not kept')
})

t.test('a snapshot built across a reset (a DocType reload) is used once and not kept', async (t) => {
  const { site } = await buildTestApp(t)
  const { permissions, db } = site
  const building = permissions.current(db, 0)
  permissions.reset()
  const built = await building
  const next = await permissions.current(db, 1)
  t.not(next, built, 'the next question builds anew')
  t.equal(await permissions.current(db, 2), next, 'and keeps that one')
})

/** Two server processes on one database file, as replicas behind a load balancer. */
async function twoProcesses (t: Test): Promise<[TestApp, TestApp]> {
  const dir = mkdtempSync(join(tmpdir(), 'permission-cache-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const env = { DATABASE_URL: join(dir, 'site.db') }
  const a = await buildTestApp(t, env)
  const b = await buildTestApp(t, env)
  return [a, b]
}

/** How long until `probe` answers `expected`, polling every 20 ms for at most 3 s. */
async function timeUntil (probe: () => Promise<unknown>, expected: unknown): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < 3000) {
    if (await probe() === expected) return Date.now() - started
    await sleep(20)
  }
  return Number.POSITIVE_INFINITY
}

t.test('a change bearing on permissions is in force at once where it is made, and in every other process within a second', async (t) => {
  const [a, b] = await twoProcesses(t)
  const bound = b.site.permissions.recheckMs + 100
  const status = async (app: TestApp, url: string): Promise<number> => (await call(app.app, app.keys.sales, { method: 'GET', url })).statusCode
  const customers = listUrl('Customer', { limit: 1 })
  t.equal(await status(b, customers), 200, 'B has resolved the rows before the change')

  await call(a.app, a.keys.manager, { method: 'POST', url: '/api/resource/Custom DocPerm', payload: { parent: 'Customer', role: 'System Manager', read: 1 } })
  t.equal(await status(a, customers), 403, 'a permission row: at once in A')
  t.ok(await timeUntil(async () => await status(b, customers), 403) <= bound, `within ${bound} ms in B`)
  await call(a.app, a.keys.manager, { method: 'POST', url: '/api/method/frappe.core.page.permission_manager.permission_manager.reset', payload: { doctype: 'Customer' } })
  t.equal(await status(a, customers), 200)
  t.ok(await timeUntil(async () => await status(b, customers), 200) <= bound, 'and its removal')

  const globex = '/api/resource/Customer/Globex GmbH'
  const granted = await call(a.app, a.keys.manager, { method: 'POST', url: '/api/resource/User Permission', payload: { user: 'sales@example.com', allow: 'Territory', for_value: 'United States' } })
  t.equal(await status(a, globex), 403, 'a User Permission: at once in A')
  t.ok(await timeUntil(async () => await status(b, globex), 403) <= bound, 'within the bound in B')

  await call(a.app, a.keys.administrator, { method: 'POST', url: '/api/method/frappe.share.add', payload: { doctype: 'Customer', name: 'Globex GmbH', user: 'sales@example.com' } })
  t.equal(await status(a, globex), 200, 'a share: at once in A')
  t.ok(await timeUntil(async () => await status(b, globex), 200) <= bound, 'within the bound in B')

  await call(a.app, a.keys.manager, { method: 'DELETE', url: `/api/resource/User Permission/${String(granted.json().data.name)}` })
  const territories = listUrl('Territory', { limit: 1 })
  t.equal(await status(b, territories), 200)
  await call(a.app, a.keys.manager, { method: 'PUT', url: '/api/resource/User/sales@example.com', payload: { roles: [] } })
  t.equal(await status(a, territories), 403, 'a role taken away: at once in A')
  t.ok(await timeUntil(async () => await status(b, territories), 403) <= bound, 'within the bound in B')
})
