// (r) The raw reference: a hand-written Fastify route that checks a token the way the server does
// (SHA-256 of the secret, a Map lookup, a constant-time compare) and reads one row by primary key
// with a prepared better-sqlite3 statement. What the request path costs with none of Frappe's
// semantics: no permissions, no field rules, no envelope beyond {data}.
import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'
import SQLite from 'better-sqlite3'

const db = new SQLite(process.env.DATABASE_URL, { readonly: true })
const keys = new Map(db.prepare('select api_key, secret_hash from api_keys').all().map((row) => [row.api_key, Buffer.from(row.secret_hash, 'hex')]))
const byName = db.prepare('select * from tabCustomer where name = ?')

const app = Fastify({ logger: false })
app.get('/api/resource/Customer/:name', async (request, reply) => {
  const [scheme, credentials = ''] = (request.headers.authorization ?? '').split(' ')
  const [key, secret = ''] = credentials.split(':')
  const stored = keys.get(key)
  const given = createHash('sha256').update(secret).digest()
  if (scheme.toLowerCase() !== 'token' || stored === undefined || !timingSafeEqual(stored, given)) return await reply.code(401).send({ error: 'unauthorized' })
  const row = byName.get(request.params.name)
  if (row === undefined) return await reply.code(404).send({ error: 'not found' })
  return { data: row }
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.send?.('ready')
