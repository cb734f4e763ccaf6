#!/usr/bin/env node
// What authentication costs per request: the same request as Guest, with an API key (token and
// Basic) and with a session cookie, through the real app in one process (app.inject, no sockets,
// so the figures isolate the server's own work). Run with `npm run bench:auth`. Verified keys
// and sessions are cached for one second, so this measures the common case of a busy client.
import { performance } from 'node:perf_hooks'
import { buildApp } from '../dist/src/app.js'
import { loadConfig } from '../dist/src/config.js'
import { createApiKey } from '../dist/src/services/auth/api-keys.js'
import { setPassword } from '../dist/src/services/user-admin.js'
import { openSite } from '../dist/src/startup.js'

const requests = Number(process.env.BENCH_REQUESTS ?? 20000)
const config = loadConfig({ DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'bench-password' })
const site = await openSite(config)
const app = await buildApp({ config, site })
const key = await createApiKey(site.db, 'manager@example.com')
await setPassword(site.db, 'manager@example.com', 'bench-password')
const login = await app.inject({ method: 'POST', url: '/api/method/login', payload: { usr: 'manager@example.com', pwd: 'bench-password' } })
const sid = /sid=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1]

const scenarios = [
  ['no credentials (Guest)', {}],
  ['Authorization: token key:secret', { authorization: `token ${key.api_key}:${key.api_secret}` }],
  ['Authorization: Basic base64', { authorization: `Basic ${Buffer.from(`${key.api_key}:${key.api_secret}`).toString('base64')}` }],
  ['session cookie (sid)', { cookie: `sid=${sid}` }]
]

async function measure (headers) {
  const start = performance.now()
  for (let i = 0; i < requests; i++) {
    const res = await app.inject({ method: 'GET', url: '/api/method/ping', headers })
    if (res.statusCode !== 200) throw new Error(`unexpected ${res.statusCode}: ${res.body}`)
  }
  return ((performance.now() - start) * 1000) / requests
}

// A warm-up round first, so that the JIT has compiled every path before anything is timed.
for (const [, headers] of scenarios) await measure(headers)
const rows = []
for (const [label, headers] of scenarios) rows.push([label, await measure(headers)])
const base = rows[0][1]
console.log(`GET /api/method/ping, ${requests} requests each, in-process (Node ${process.version})`)
console.log('scenario                          µs/request   cost of auth')
for (const [label, micros] of rows) {
  console.log(`${label.padEnd(34)}${micros.toFixed(1).padStart(10)}   ${label === rows[0][0] ? '' : `+${(micros - base).toFixed(1)} µs`}`)
}
await app.close()
