import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { buildCli, main, type Output } from '../src/cli.js'
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
