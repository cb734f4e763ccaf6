import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import SQLite from 'better-sqlite3'
import t from 'tap'

const cli = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url))

t.test('SIGTERM lets a request in flight finish, then closes the database cleanly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shutdown-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const database = join(dir, 'site.db')
  const child = spawn(process.execPath, [...process.execArgv, cli, 'serve'], {
    env: { ...process.env, PORT: '0', DATABASE_URL: database, LOG_FORMAT: 'json', ADMIN_API_KEY: 'shutdown-key', ADMIN_API_SECRET: 'shutdown-secret-123', ADMIN_PASSWORD: 'admin-password' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  t.teardown(() => { child.kill('SIGKILL') })
  let output = ''
  const listening = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (address !== undefined) resolve(address)
    })
  })
  const address = new URL(await listening)

  const body = JSON.stringify({ description: 'sent across a shutdown' })
  const slow = request({
    host: address.hostname,
    port: address.port,
    method: 'POST',
    path: '/api/resource/ToDo',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'token shutdown-key:shutdown-secret-123' }
  })
  const answered = new Promise<{ status: number, text: string }>((resolve, reject) => {
    slow.on('response', (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text }) })
    })
    slow.on('error', reject)
  })
  slow.write(body.slice(0, 10))
  await new Promise((resolve) => setTimeout(resolve, 200))
  child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(child.exitCode, null, 'the process waits for the request in flight')
  slow.end(body.slice(10))

  const { status, text } = await answered
  t.equal(status, 200, 'which finishes')
  t.match(JSON.parse(text), { data: { doctype: 'ToDo', description: 'sent across a shutdown' } })
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 0, 'then the process ends cleanly')
  t.match(output, /"signal":"SIGTERM".*"msg":"shutting down"/)

  t.ok(!existsSync(`${database}-wal`) || statSync(`${database}-wal`).size === 0, 'the write-ahead log was folded into the database')
  const db = new SQLite(database, { readonly: true })
  t.teardown(() => { db.close() })
  t.same(db.prepare('select count(*) as n from tabToDo where description = ?').get('sent across a shutdown'), { n: 1 }, 'and the write is in it')
})

t.test('a server that cannot listen says why and exits with 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'busy-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as AddressInfo).port
  const child = spawn(process.execPath, [...process.execArgv, cli, 'serve'], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: join(dir, 'site.db'), LOG_FORMAT: 'json', ADMIN_PASSWORD: 'admin-password' },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let errors = ''
  child.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 1)
  t.match(errors, /EADDRINUSE/)
})
