#!/usr/bin/env node
// There is no Docker engine on our machines, so this performs the Dockerfile's own steps on the
// host: each stage gets a root folder, COPY copies into it, the npm RUN steps run in it (system
// set-up such as apt-get is reported and skipped), then the final stage's CMD is started with its
// ENV, its HEALTHCHECK is run, and the API is called.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const context = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const work = mkdtempSync(join(tmpdir(), 'docker-dry-run-'))
const log = (text) => process.stdout.write(`[docker-dry-run] ${text}\n`)

function instructions (text) {
  return text.replace(/\\\n/g, ' ').split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    })
}

function execForm (args) {
  return args.trim().startsWith('[') ? JSON.parse(args) : ['sh', '-c', args]
}

const stages = []
let stage
const at = (path) => join(stage.root, path.startsWith('/') ? path : join(stage.workdir, path))

for (const { keyword, args } of instructions(readFileSync(join(context, 'Dockerfile'), 'utf8'))) {
  switch (keyword) {
    case 'FROM': {
      const name = /\sAS\s+(\S+)/i.exec(args)?.[1] ?? String(stages.length)
      stage = { name, root: join(work, `stage-${stages.length}`), workdir: '/', env: {}, cmd: undefined, healthcheck: undefined, volumes: [] }
      stages.push(stage)
      mkdirSync(stage.root, { recursive: true })
      log(`stage ${name} (${args})`)
      break
    }
    case 'WORKDIR':
      stage.workdir = args
      mkdirSync(at(args), { recursive: true })
      break
    case 'ENV':
      for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g)) stage.env[key] = value.startsWith('/') ? join(stage.root, value) : value
      break
    case 'COPY': {
      const from = /--from=(\S+)/.exec(args)?.[1]
      const paths = args.replace(/--\S+/g, '').trim().split(/\s+/)
      const destination = at(paths.pop())
      const source = from === undefined ? context : stages.find((s) => s.name === from).root
      for (const path of paths) {
        const target = paths.length > 1 || destination.endsWith('/') ? join(destination, path.split('/').pop()) : destination
        cpSync(join(source, path), target, { recursive: true })
      }
      break
    }
    case 'RUN': {
      if (!args.startsWith('npm ')) { log(`skipped system set-up: RUN ${args}`); break }
      log(`RUN ${args}`)
      const result = spawnSync('sh', ['-c', args], { cwd: at('.'), stdio: 'inherit', env: { ...process.env, ...stage.env } })
      if (result.status !== 0) throw new Error(`RUN ${args} failed with ${result.status}`)
      break
    }
    case 'VOLUME':
      stage.volumes.push(...execForm(args))
      break
    case 'HEALTHCHECK':
      stage.healthcheck = execForm(args.replace(/^(--\S+\s+)*CMD\s+/, ''))
      break
    case 'CMD':
      stage.cmd = execForm(args)
      break
    default:
      log(`noted ${keyword} ${args}`)
  }
}

for (const volume of stage.volumes) mkdirSync(at(volume), { recursive: true })
const port = String(20000 + Math.floor(Math.random() * 20000))
const env = { ...process.env, ...stage.env, PORT: port, HOST: '127.0.0.1', ADMIN_API_KEY: 'dryrunkey', ADMIN_API_SECRET: 'dry-run-secret-123', LOG_LEVEL: 'warn' }
log(`CMD ${stage.cmd.join(' ')} on port ${port}`)
const server = spawn(stage.cmd[0], stage.cmd.slice(1), { cwd: at('.'), env, stdio: 'inherit' })
const exited = new Promise((resolve) => server.on('exit', resolve))

try {
  let healthy = false
  for (let attempt = 0; attempt < 60 && !healthy; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    healthy = spawnSync(stage.healthcheck[0], stage.healthcheck.slice(1), { env }).status === 0
  }
  if (!healthy) throw new Error('the HEALTHCHECK never passed')
  log('HEALTHCHECK passed')
  const res = await fetch(`http://127.0.0.1:${port}/api/resource/Customer`, { headers: { Authorization: 'token dryrunkey:dry-run-secret-123' } })
  const body = await res.json()
  if (res.status !== 200 || body.data.length === 0) throw new Error(`GET /api/resource/Customer answered ${res.status}: ${JSON.stringify(body)}`)
  log(`GET /api/resource/Customer: ${res.status}, ${body.data.length} customers`)
} finally {
  server.kill('SIGTERM')
  const code = await exited
  log(`server stopped (${code})`)
  rmSync(work, { recursive: true, force: true })
}
log('passed')
