import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildCli, type Output } from '../../src/cli/index.js'
import { loadConfig } from '../../src/config.js'
import { buildTestApp, call, listUrl, serverMessages } from '../helper.js'

const manager = '/api/method/frappe.core.page.permission_manager.permission_manager'

t.test('Custom DocPerm rows replace the shipped rows at once, and the shipped rows return when they are gone', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const post = async (key: typeof keys.manager, payload: Record<string, unknown>): ReturnType<typeof call> =>
    await call(app, key, { method: 'POST', url: '/api/resource/Custom DocPerm', payload })
  t.equal((await call(app, keys.sales, { method: 'GET', url: '/api/resource/Customer' })).statusCode, 200, 'before: Sales User reads customers')
  t.equal((await post(keys.sales, { parent: 'Customer', role: 'Sales User', read: 1 })).statusCode, 403, 'only System Manager writes permission rows')

  const first = await post(keys.manager, { parent: 'customer', role: 'System Manager', read: 1, write: 1, create: 1, delete: 1 })
  t.equal(first.statusCode, 200)
  t.match(first.json().data, { doctype: 'Custom DocPerm', parent: 'Customer', role: 'System Manager', permlevel: 0, if_owner: 0, read: 1, write: 1, export: 1 }, 'Frappe\'s defaults; the DocType\'s name as it is spelled')
  const refused = await call(app, keys.sales, { method: 'GET', url: '/api/resource/Customer' })
  t.equal(refused.statusCode, 403, 'one custom row replaces all the shipped ones: Sales User has none now')
  t.same(refused.json().permission.granting_roles, [{ role: 'System Manager' }], 'and the explanation reads the rows in force')

  await post(keys.manager, { parent: 'Customer', role: 'Sales User', read: 1 })
  t.equal((await call(app, keys.sales, { method: 'GET', url: listUrl('Customer', { limit: 1 }) })).statusCode, 200, 'a row for the role: reads again')
  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'New Co' } })).statusCode, 403, 'but creates no more')

  for (const [payload, why] of [
    [{ parent: 'Nothing Such', role: 'Sales User' }, 'a DocType that does not exist'],
    [{ parent: 'Has Role', role: 'Sales User' }, 'a child table'],
    [{ parent: 'Customer', role: 'Sales User', permlevel: 12 }, 'a level past 9'],
    [{ parent: 'Customer', role: 'No Such Role' }, 'a role that does not exist'],
    [{ parent: 'Customer' }, 'no role'],
    [{ parent: 'Custom DocPerm', role: 'Sales User', write: 1 }, 'rows for Custom DocPerm itself, which would hand out every permission'],
    [{ parent: 'Customer', role: 'Sales User', read: 1 }, 'a second row for the same role and level'],
    [{ parent: 'Customer', role: 'Sales User', if_owner: 1, report: 1 }, 'report with if_owner, as Frappe refuses it']
  ] as const) {
    const res = await post(keys.manager, payload)
    t.equal(res.statusCode, 417, why)
    t.ok(serverMessages(res.json()).length > 0, `${why}: says what is wrong`)
  }

  const rows = await call(app, keys.manager, { method: 'GET', url: listUrl('Custom DocPerm', { filters: { parent: 'Customer' } }) })
  for (const { name } of rows.json().data as Array<{ name: string }>) {
    t.equal((await call(app, keys.manager, { method: 'DELETE', url: `/api/resource/Custom DocPerm/${name}` })).statusCode, 202)
  }
  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'New Co' } })).statusCode, 200, 'no custom rows: the shipped rows apply again')
})

t.test('the Role Permission Manager methods edit a DocType\'s rows as Frappe\'s do', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const run = async (method: string, payload: Record<string, unknown>, key = keys.manager): ReturnType<typeof call> =>
    await call(app, key, { method: 'POST', url: `${manager}.${method}`, payload })

  const shipped = await run('get_permissions', { doctype: 'Customer' })
  t.equal(shipped.statusCode, 200)
  t.same(shipped.json().message.map((row: { role: string }) => row.role), ['System Manager', 'Sales User'], 'the shipped rows while there are no custom ones')
  t.match(shipped.json().message[1], { parent: 'Customer', role: 'Sales User', permlevel: 0, if_owner: 0, read: 1, write: 1, create: 1, delete: 0 })

  const updated = await run('update', { doctype: 'Customer', role: 'Sales User', permlevel: 0, ptype: 'create', value: 0 })
  t.same(updated.json(), { message: 'refresh' }, 'the first change copies the shipped rows: the client should reload them')
  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'New Co' } })).statusCode, 403, 'in force at once')
  t.same((await run('update', { doctype: 'Customer', role: 'Sales User', permlevel: 0, ptype: 'create', value: 1 })).json(), {}, 'later changes need no reload')

  t.equal((await run('add', { parent: 'Customer', role: 'Sales User', permlevel: 1 })).statusCode, 200)
  t.equal((await run('update', { doctype: 'Customer', role: 'Sales User', permlevel: 1, ptype: 'report', value: 1 })).statusCode, 200)
  t.equal((await run('update', { doctype: 'Customer', role: 'Sales User', permlevel: 1, ptype: 'if_owner', value: 1 })).statusCode, 200, 'if_owner is changed as a right is')
  t.match((await run('get_permissions', { doctype: 'Customer', role: 'Sales User' })).json().message[1], { permlevel: 1, if_owner: 1, report: 0 }, 'and turning it on clears report, as in Frappe')
  t.equal((await run('update', { doctype: 'Customer', role: 'Sales User', permlevel: 1, if_owner: 1, ptype: 'if_owner', value: 0 })).statusCode, 200, 'the row is then named with if_owner')
  const custom = (await run('get_permissions', { doctype: 'Customer', role: 'Sales User' })).json().message as Array<{ name: string, permlevel: number, read: number }>
  t.same(custom.map((row) => [row.permlevel, row.read]), [[0, 1], [1, 1]], 'add gives the role read at the level')
  t.ok(custom.every((row) => typeof row.name === 'string'), 'custom rows have names')

  t.equal((await run('remove', { doctype: 'Customer', role: 'Sales User', permlevel: 1 })).statusCode, 200)
  t.equal((await run('remove', { doctype: 'Customer', role: 'Sales User', permlevel: 0 })).statusCode, 200)
  const last = await run('remove', { doctype: 'Customer', role: 'System Manager', permlevel: 0 })
  t.equal(last.statusCode, 417, 'the last row stays')
  t.match(serverMessages(last.json())[0]?.message, /There must be atleast one permission rule/)

  t.equal((await run('add', { parent: 'Customer', role: 'Sales User', permlevel: 0 }, keys.sales)).statusCode, 403, 'only System Manager')
  const viaGet = await call(app, keys.manager, { method: 'GET', url: `${manager}.update?doctype=Customer&role=Sales%20User&permlevel=0&ptype=delete&value=1` })
  t.equal(viaGet.statusCode, 403, 'a change needs POST: a link cannot make it')
  t.same((await run('get_permissions', { role: 'Sales User' })).json().message.map((row: { parent: string }) => row.parent),
    ['Customer Group', 'Territory'], 'a role\'s rows on every DocType (its Customer rows are gone by now)')
  t.equal((await run('get_permissions', { doctype: 'Customer' }, keys.sales)).statusCode, 403)

  t.equal((await run('reset', { doctype: 'Customer' })).statusCode, 200)
  t.same((await run('get_permissions', { doctype: 'Customer' })).json().message.map((row: { role: string }) => row.role), ['System Manager', 'Sales User'], 'reset: the shipped rows again')
  t.equal((await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Newer Co' } })).statusCode, 200)
})

t.test('doctype-server permissions list, add, remove and reset', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'permissions-cli-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const env = { DATABASE_URL: join(dir, 'site.db'), ADMIN_PASSWORD: 'correct-horse', LOG_LEVEL: 'silent' }
  const run = async (...args: string[]): Promise<string> => {
    let out = ''
    const output: Output = { out: (text) => { out += text }, err: () => {} }
    await buildCli(() => loadConfig(env), output).parseAsync(args, { from: 'user' })
    return out
  }
  t.match(await run('permissions', 'list', 'Customer'), /^System Manager +level 0 +select, read, write, create, delete, report, export, import, share, print, email\nSales User +level 0 +read, write, create, report, share, print, email\n$/)
  t.match(await run('permissions', 'revoke', 'Customer', 'Sales User', '--rights', 'write,create,share,print,email'), /^Sales User +level 0 +read, report\n$/, 'the first change copies the shipped rows')
  t.match(await run('permissions', 'add', 'Customer', 'Sales User', '--level', '1', '--if-owner', '--rights', 'write'), /^Sales User +level 1 if owner +read, write, export\n$/, 'a new row holds read and export, as Frappe\'s add gives it, and what was granted')
  t.match(await run('permissions', 'list', 'Customer'), /Sales User +level 0 +read, report\nSales User +level 1 if owner +read, write, export\n/)
  t.same(JSON.parse(await run('permissions', 'list', 'Customer', '--json')).length, 3)
  await t.rejects(run('permissions', 'add', 'Customer', 'Sales User'), /required option '--rights <rights>'/)
  await t.rejects(run('permissions', 'add', 'Customer', 'Sales User', '--rights', 'fly'), /--rights takes a comma-separated list of select, read/)
  await t.rejects(run('permissions', 'revoke', 'Customer', 'Sales User', '--level', '2', '--rights', 'read'), /Customer has no permission row for Sales User at level 2/)

  const testApp = await buildTestApp(t, { DATABASE_URL: env.DATABASE_URL })
  const sales = testApp.keys.sales
  t.equal((await call(testApp.app, sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'CLI Co' } })).statusCode, 403, 'a server on the database follows the rows')
  await testApp.app.close()

  t.match(await run('permissions', 'remove', 'Customer', 'Sales User', '--level', '1', '--if-owner'), /Removed/)
  await t.rejects(run('permissions', 'remove', 'Customer', 'Sales User', '--level', '1', '--if-owner'), /no permission row/, 'removing a row that is not there says so')
  t.match(await run('permissions', 'reset', 'Customer'), /uses the permission rows it shipped with/)
  t.match(await run('permissions', 'list', 'Customer'), /Sales User +level 0 +read, write, create/)
  await t.rejects(run('permissions', 'add', 'Customer', 'Sales User', '--level', '10', '--rights', 'read'), /Level \(permlevel\) must be a whole number from 0 to 9/)
  await t.rejects(run('permissions', 'add', 'Customer', 'Sales User', '--level', 'x', '--rights', 'read'), /--level takes a level from 0 to 9/)
  await t.rejects(run('permissions', 'add', 'Custom DocPerm', 'Sales User', '--rights', 'read'), /cannot be changed: they stay with System Manager/)
})
