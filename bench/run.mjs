#!/usr/bin/env node
// The benchmark suite (`npm run bench`): builds the data sets, starts each server in a process of
// its own and autocannon in another, on 127.0.0.1 only, each run bounded in time, and prints one
// table. Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_SIZES (10000,100000,1000000:
// the growth runs; the main table uses 100000).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildDataset, password } from './dataset.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number)
const mainSize = 100_000
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

function log (text) { process.stderr.write(`${text}\n`) }

async function freePort () {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** CPU seconds a process has used, from /proc. */
function cpuSeconds (pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
}

/** Peak resident memory since the last reset, in MB; resetting needs /proc/<pid>/clear_refs. */
function peakRssMb (pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))
  return Number(line.split(/\s+/)[1]) / 1024
}

function resetPeak (pid) {
  try { execFileSync('sh', ['-c', `echo 5 > /proc/${pid}/clear_refs`]) } catch { /* an older kernel: the peak since start */ }
}

async function waitFor (url, headers = {}) {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      const res = await fetch(url, { headers })
      if (res.status < 500) return
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} never answered`)
}

/** Starts a server process; answers its pid, base URL and a stop function. */
async function startServer (kind, dataset) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' }
  const commands = {
    bare: [join(root, 'bench/servers/bare.mjs')],
    raw: [join(root, 'bench/servers/raw.mjs')],
    doctype: [join(root, 'bin/doctype-server.js'), 'serve'],
    'json-server': [join(root, 'node_modules/json-server/lib/cli/bin.js'), dataset.jsonFile, '--port', String(port), '--host', '127.0.0.1', '--quiet']
  }
  const child = spawn(process.execPath, commands[kind], {
    env: { ...env, DATABASE_URL: dataset.database, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', DOCTYPES_WATCH: 'false', RATE_LIMIT: '0', SEED_DEMO_DATA: 'false' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  await waitFor(kind === 'json-server' ? `${base}/customers/x` : kind === 'doctype' ? `${base}/api/method/ping` : kind === 'bare' ? base : `${base}/api/resource/Customer/x`)
  return {
    pid: child.pid,
    base,
    stop: async () => { child.kill('SIGTERM'); await new Promise((resolve) => child.once('exit', resolve)) }
  }
}

function runLoad (spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench/load.mjs'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => { out += chunk })
    child.on('exit', (code) => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the load generator failed (${code})`)))
  })
}

/** One measured run: a short warm-up, then `seconds` of load; figures from both processes. */
async function measure (server, scenario) {
  const spec = { url: server.base, connections, rows: scenario.rows, method: scenario.method ?? 'GET', path: scenario.path, headers: scenario.headers ?? {}, body: scenario.body }
  await runLoad({ ...spec, seconds: 2 })
  resetPeak(server.pid)
  const cpuBefore = cpuSeconds(server.pid)
  const result = await runLoad({ ...spec, seconds })
  const cpu = cpuSeconds(server.pid) - cpuBefore
  // A wrong answer is a broken run; a request unanswered within autocannon's 10 s is a result, reported as such.
  if (result.non2xx > 0) throw new Error(`${scenario.id}: ${result.non2xx} answers were not 2xx`)
  return { ...result, cpuUsPerRequest: cpu * 1e6 / result.requests, peakRssMb: peakRssMb(server.pid) }
}

async function sessionCookie (base) {
  const res = await fetch(`${base}/api/method/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ usr: 'manager@example.com', pwd: password }) })
  return `sid=${/sid=([^;]+)/.exec(res.headers.get('set-cookie'))[1]}`
}

const listPath = `/api/resource/Customer?filters=${encodeURIComponent(JSON.stringify([['territory', '=', 'India']]))}&order_by=${encodeURIComponent('modified desc')}&fields=${encodeURIComponent(JSON.stringify(['name', 'customer_name', 'territory', 'modified']))}&limit_page_length=20`
const jsonServerList = '/customers?territory=India&_sort=modified&_order=desc&_limit=20'

function scenariosFor (rows, key) {
  const token = { authorization: `token ${key.api_key}:${key.api_secret}` }
  const json = { ...token, 'content-type': 'application/json' }
  return {
    a: { id: 'a', label: 'bare Fastify route (floor)', server: 'bare', path: '/' },
    r: { id: 'r', label: 'raw route: token + row by key', server: 'raw', path: '/api/resource/Customer/{name}', headers: token },
    b: { id: 'b', label: 'ping', server: 'doctype', path: '/api/method/ping' },
    c: { id: 'c', label: 'GET one Customer, token', server: 'doctype', path: '/api/resource/Customer/{name}', headers: token },
    d: { id: 'd', label: 'list 20, filter + order_by', server: 'doctype', path: listPath, headers: token },
    e: { id: 'e', label: 'create a Customer', server: 'doctype', method: 'POST', path: '/api/resource/Customer', headers: json, body: { customer_name: 'Created {unique}', customer_type: 'Company', territory: 'India' } },
    f: { id: 'f', label: 'update a Customer', server: 'doctype', method: 'PUT', path: '/api/resource/Customer/{name}', headers: json, body: { mobile_no: '+1 555 {i}' } },
    g: { id: 'g', label: 'GET one Customer, session cookie', server: 'doctype', path: '/api/resource/Customer/{name}', session: true },
    h1: { id: 'h1', label: 'json-server 0.17: GET one', server: 'json-server', path: '/customers/{name}' },
    h2: { id: 'h2', label: 'json-server 0.17: filtered list of 20', server: 'json-server', path: jsonServerList }
  }
}

async function runScenarios (dataset, rows, ids) {
  const all = scenariosFor(rows, dataset.key)
  const results = {}
  for (const kind of ['bare', 'raw', 'doctype', 'json-server']) {
    const wanted = ids.filter((id) => all[id].server === kind)
    if (wanted.length === 0) continue
    const server = await startServer(kind, dataset)
    try {
      for (const id of wanted) {
        const scenario = { ...all[id], rows }
        if (scenario.session === true) scenario.headers = { cookie: await sessionCookie(server.base) }
        log(`${rows} rows, (${id}) ${scenario.label} ...`)
        results[id] = { ...scenario, ...await measure(server, scenario) }
      }
    } finally {
      await server.stop()
    }
  }
  return results
}

const fmt = (n, digits = 0) => Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a'

const dir = mkdtempSync(join(tmpdir(), 'doctype-bench-'))
try {
  log(`building ${mainSize} rows ...`)
  const main = await buildDataset(dir, mainSize, true)
  const results = await runScenarios(main, mainSize, ['a', 'r', 'b', 'c', 'd', 'e', 'f', 'g', 'h1', 'h2'])
  const floor = results.a.rps

  const growth = {}
  for (const rows of sizes) {
    if (rows === mainSize) { growth[rows] = { c: results.c, d: results.d }; continue }
    log(`building ${rows} rows ...`)
    growth[rows] = await runScenarios(await buildDataset(dir, rows, false), rows, ['c', 'd'])
  }

  const out = []
  out.push(`doctype-server benchmark: ${cpus().length} x ${cpus()[0].model}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${seconds} s per run, ${connections} connections, 127.0.0.1`)
  out.push('')
  out.push(`| scenario (${fmt(mainSize)} Customers) | req/s | p50 ms | p99 ms | server CPU µs/req | server peak RSS MB | x (a) |`)
  out.push('|---|---:|---:|---:|---:|---:|---:|')
  for (const r of Object.values(results)) {
    const none = r.errors > 0 ? ` (${fmt(r.errors)} requests unanswered in 10 s)` : ''
    out.push(`| (${r.id}) ${r.label}${none} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.cpuUsPerRequest)} | ${fmt(r.peakRssMb)} | ${fmt(r.rps / floor, 2)} |`)
  }
  out.push('')
  out.push(`(c) / (r): ${fmt(results.c.rps / results.r.rps, 2)}x   (c) / json-server GET one (h1): ${fmt(results.c.rps / results.h1.rps, 2)}x   (d) / json-server list (h2): ${fmt(results.d.rps / results.h2.rps, 2)}x`)
  out.push('')
  out.push('| rows | (c) req/s | (c) x 10k | (d) req/s | (d) x 10k | peak RSS MB (c, d) |')
  out.push('|---:|---:|---:|---:|---:|---:|')
  const base = growth[sizes[0]]
  for (const rows of sizes) {
    const g = growth[rows]
    out.push(`| ${fmt(rows)} | ${fmt(g.c.rps)} | ${fmt(g.c.rps / base.c.rps, 2)} | ${fmt(g.d.rps)} | ${fmt(g.d.rps / base.d.rps, 2)} | ${fmt(g.c.peakRssMb)}, ${fmt(g.d.peakRssMb)} |`)
  }
  const largest = growth[sizes[sizes.length - 1]]
  const targets = [
    ['(c) >= 1.0x (r)', results.c.rps / results.r.rps >= 1],
    ['(d) >= 0.25x (a)', results.d.rps / floor >= 0.25],
    ['(e) >= 0.15x (a)', results.e.rps / floor >= 0.15],
    [`(c) at ${fmt(sizes[sizes.length - 1])} rows within 1.5x of ${fmt(sizes[0])}`, base.c.rps / largest.c.rps <= 1.5],
    [`(d) at ${fmt(sizes[sizes.length - 1])} rows within 1.5x of ${fmt(sizes[0])}`, base.d.rps / largest.d.rps <= 1.5],
    [`server RSS <= 150 MB under load at ${fmt(sizes[sizes.length - 1])} rows`, Math.max(largest.c.peakRssMb, largest.d.peakRssMb) <= 150]
  ]
  out.push('')
  for (const [target, met] of targets) out.push(`${met ? 'met    ' : 'MISSED '} ${target}`)
  process.stdout.write(`${out.join('\n')}\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
