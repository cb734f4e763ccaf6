import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { buildCli, main, type Output } from '../src/cli/index.js'
import { loadConfig } from '../src/config.js'
import { openSite } from '../src/startup.js'

function capture (): Output & { stdout: () => string, stderr: () => string } {
  let out = ''
  let err = ''
  return { out: (text) => { out += text }, err: (text) => { err += text }, stdout: () => out, stderr: () => err }
}

t.test('migrate, user add and keys create work on a database file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const env = { DATABASE_URL: join(dir, 'site.db'), ADMIN_PASSWORD: 'correct-horse', LOG_LEVEL: 'silent' }
  const run = async (...args: string[]): Promise<ReturnType<typeof capture>> => {
    const output = capture()
    await buildCli(() => loadConfig(env), output).parseAsync(args, { from: 'user' })
    return output
  }

  const migrated = await run('migrate')
  t.match(migrated.stdout(), /applied 0001-system-tables, 0002-sessions-and-key-lifecycle, 0003-permission-version; 12 DocType tables in sync/)
  t.match((await run('migrate')).stdout(), /no migration was pending/)

  const added = await run('user', 'add', 'jane@example.com', '--full-name', 'Jane Q Doe', '--roles', 'Sales User, System Manager', '--password', 'secret-pw')
  t.match(added.stdout(), /Added user jane@example.com/)

  const keys = await run('keys', 'create', 'jane@example.com', '--json')
  const issued = JSON.parse(keys.stdout()) as { api_key: string, api_secret: string }
  t.match(issued, { api_key: /^[0-9a-f]{15}$/, api_secret: /^[0-9a-f]{48}$/ })
  const plain = await run('keys', 'create', 'jane@example.com')
  t.match(plain.stdout(), /api_key: +[0-9a-f]{15}\napi_secret: +[0-9a-f]{48}\n\nUse it as: +Authorization: token /)

  const config = loadConfig(env)
  const site = await openSite(config)
  const app = await buildApp({ config, site })
  t.teardown(async () => { await app.close() })
  const me = await app.inject({ method: 'GET', url: '/api/resource/User/jane@example.com', headers: { authorization: `Token ${issued.api_key}:${issued.api_secret}` } })
  t.equal(me.statusCode, 200, 'the new key works, with the roles given')
  t.match(me.json().data, { first_name: 'Jane', last_name: 'Q Doe', full_name: 'Jane Q Doe', enabled: 1 })
  t.same(me.json().data.roles.map((r: { role: string }) => r.role), ['Sales User', 'System Manager'])
  const stored = await site.db.selectFrom('passwords').selectAll().where('user', '=', 'jane@example.com').executeTakeFirstOrThrow()
  t.match(stored.password_hash, /^scrypt\$/)
  t.notMatch(stored.password_hash, /secret-pw/)
})

t.test('failures say what went wrong and exit with 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  process.env.DATABASE_URL = join(dir, 'site.db')
  process.env.LOG_LEVEL = 'silent'
  t.teardown(() => { delete process.env.DATABASE_URL; delete process.env.LOG_LEVEL })

  const unknownUser = capture()
  t.equal(await main(['node', 'doctype-server', 'keys', 'create', 'nobody@example.com'], unknownUser), 1)
  t.match(unknownUser.stderr(), /doctype-server: User nobody@example.com not found/)

  const guestKey = capture()
  t.equal(await main(['node', 'doctype-server', 'keys', 'create', 'Guest'], guestKey), 1)
  t.match(guestKey.stderr(), /Guest .* cannot hold API keys/)

  const unknownRole = capture()
  t.equal(await main(['node', 'doctype-server', 'user', 'add', 'x@example.com', '--roles', 'Wizard'], unknownRole), 1)
  t.match(unknownRole.stderr(), /Could not find Row #1: Role: Wizard/)

  const badEmail = capture()
  t.equal(await main(['node', 'doctype-server', 'user', 'add', 'not-an-email'], badEmail), 1)
  t.match(badEmail.stderr(), /not-an-email is not a valid Email Address/)

  const badCommand = capture()
  t.not(await main(['node', 'doctype-server', 'frobnicate'], badCommand), 0)
  t.match(badCommand.stderr(), /unknown command/)

  process.env.PORT = 'eighty'
  t.teardown(() => { delete process.env.PORT })
  const badConfig = capture()
  t.equal(await main(['node', 'doctype-server', 'migrate'], badConfig), 1)
  t.match(badConfig.stderr(), /PORT must be integer/)
})

t.test('doctype list and check, user disable, enable and roles, export, seed, and --help everywhere', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const env = { DATABASE_URL: join(dir, 'site.db'), ADMIN_PASSWORD: 'correct-horse', LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'false' }
  const run = async (args: string[], output = capture()): Promise<ReturnType<typeof capture>> => {
    await buildCli(() => loadConfig(env), output).parseAsync(args, { from: 'user' })
    return output
  }

  t.match((await run(['doctype', 'list'])).stdout(), /^Custom DocPerm +documents +Core\n.*^Territory +documents, tree +Setup\n/ms)
  t.match(JSON.parse((await run(['doctype', 'list', '--json'])).stdout())[0], { name: 'Custom DocPerm', kind: 'documents', module: 'Core' })
  t.match((await run(['doctype', 'check'])).stdout(), /^12 DocTypes from .*doctypes: all valid\n$/)
  const broken = mkdtempSync(join(dir, 'broken-'))
  writeFileSync(join(broken, 'thing.json'), JSON.stringify({ doctype: 'DocType', name: 'Thing', fields: [{ fieldname: 'x', fieldtype: 'Nonsense' }] }))
  await t.rejects(buildCli(() => loadConfig({ ...env, DOCTYPES_DIR: broken }), capture()).parseAsync(['doctype', 'check'], { from: 'user' }), /field x has an unknown fieldtype "Nonsense"/, 'a bad definition is named')

  const seeded = capture()
  const terminalLike = { ...seeded, interactive: true }
  t.match((await run(['seed'], terminalLike)).stdout(), /^Seeded 23 documents\n$/)
  t.match(seeded.stderr(), /\rSeeding 23\/23 \(100%\)\n$/, 'progress in a terminal')
  t.match(seeded.stderr(), /\rMigrating 3\/3 \(100%\)\n.*\rSyncing DocType tables 12\/12 \(100%\)\n/s, 'for migrations and tables too, on a new database')
  await t.rejects(run(['seed']), /Territory All Territories already exists/, 'all or none: seeding twice stops at the first clash')
  const records = join(dir, 'records.json')
  writeFileSync(records, JSON.stringify([{ doctype: 'ToDo', description: 'from a seed file' }, { doctype: 'ToDo', description: 'and another' }]))
  const quiet = await run(['seed', records])
  t.same([quiet.stdout(), quiet.stderr()], ['Seeded 2 documents\n', ''], 'no progress where it is not a terminal')

  await run(['user', 'add', 'kim@example.com', '--roles', 'Sales User'])
  t.equal((await run(['user', 'roles', 'kim@example.com', '--add', 'System Manager,Sales User'])).stdout(), 'Sales User\nSystem Manager\n')
  t.equal((await run(['user', 'roles', 'kim@example.com', '--remove', 'Sales User'])).stdout(), 'System Manager\n')
  t.equal((await run(['user', 'roles', 'kim@example.com', '--set', ''])).stdout(), 'kim@example.com holds no role\n')
  t.equal((await run(['user', 'disable', 'kim@example.com'])).stdout(), 'Disabled kim@example.com\n')
  const issued = JSON.parse((await run(['keys', 'create', 'kim@example.com', '--json'])).stdout()) as { api_key: string, api_secret: string }
  const site = await openSite(loadConfig(env))
  const app = await buildApp({ config: loadConfig(env), site })
  const refused = await app.inject({ method: 'GET', url: '/api/method/frappe.auth.get_logged_user', headers: { authorization: `token ${issued.api_key}:${issued.api_secret}` } })
  await app.close()
  t.equal(refused.json().reason, 'user_disabled', 'a disabled user is refused')
  t.equal((await run(['user', 'enable', 'kim@example.com'])).stdout(), 'Enabled kim@example.com\n')

  const openapi = JSON.parse((await run(['export', 'openapi', '--base-url', 'https://erp.example.com'])).stdout()) as { openapi: string, servers: Array<{ url: string }> }
  t.match(openapi, { openapi: '3.1.0', servers: [{ url: 'https://erp.example.com' }] })
  const file = join(dir, 'collection.json')
  t.match((await run(['export', 'postman', '--out', file])).stderr(), /Wrote .*collection.json/)
  t.match(JSON.parse(readFileSync(file, 'utf8')), { info: { name: 'doctype-server' }, variable: [{ key: 'base_url', value: 'http://127.0.0.1:8000' }] })

  for (const command of [[], ['serve'], ['migrate'], ['doctype', 'list'], ['doctype', 'check'], ['user', 'add'], ['user', 'disable'], ['user', 'roles'], ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke'],
    ['permissions', 'list'], ['permissions', 'add'], ['export', 'openapi'], ['export', 'postman'], ['seed']]) {
    const help = capture()
    await t.rejects(run([...command, '--help'], help), { code: 'commander.helpDisplayed' })
    t.match(help.stdout(), /^Usage: doctype-server/, `${['doctype-server', ...command].join(' ')} --help`)
  }
})
