// Builds a benchmark site: a database file with the demo data and `rows` Bench Customers, an API
// key and a password for manager@example.com, and the same customers as a json-server db.json.
// Rows go in through one prepared statement (the API would take far longer to fill 1M rows);
// every other table is made by the server's own start-up.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { loadConfig } from '../dist/src/config.js'
import { createApiKey } from '../dist/src/services/auth/api-keys.js'
import { setPassword } from '../dist/src/services/user-admin.js'
import { openSite } from '../dist/src/startup.js'

export const territories = ['India', 'Germany', 'United States', 'Rest Of The World', 'All Territories']
export const password = 'bench-password'

/** The name of the i-th bench customer, 0-based. */
export function customerName (i) {
  return `Bench Customer ${String(i).padStart(7, '0')}`
}

function customer (i) {
  const modified = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('T', ' ').replace('Z', '000')
  return {
    name: customerName(i),
    owner: 'Administrator',
    creation: modified,
    modified,
    modified_by: 'Administrator',
    docstatus: 0,
    idx: 0,
    customer_name: customerName(i),
    customer_type: 'Company',
    customer_group: 'Commercial',
    territory: territories[i % territories.length],
    email_id: `customer${i}@example.com`,
    mobile_no: null,
    disabled: 0,
    customer_details: null
  }
}

/** The data set of `rows` customers; the json-server copy only when asked (it is large). */
export async function buildDataset (dir, rows, withJsonServer) {
  const database = join(dir, `site-${rows}.db`)
  const config = loadConfig({ DATABASE_URL: database, LOG_LEVEL: 'silent', ADMIN_PASSWORD: password, SEED_DEMO_DATA: 'true' })
  const site = await openSite(config)
  const key = await createApiKey(site.db, 'manager@example.com', { label: 'bench' })
  await setPassword(site.db, 'manager@example.com', password)
  await site.db.destroy()

  const sqlite = new SQLite(database)
  const columns = Object.keys(customer(0))
  const insert = sqlite.prepare(`insert into tabCustomer (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`)
  sqlite.transaction(() => { for (let i = 0; i < rows; i++) insert.run(customer(i)) })()
  sqlite.pragma('wal_checkpoint(truncate)')
  sqlite.exec('analyze')
  sqlite.close()

  if (!withJsonServer) return { database, key: { api_key: key.api_key, api_secret: key.api_secret } }
  const jsonFile = join(dir, `json-server-${rows}.json`)
  const customers = []
  for (let i = 0; i < rows; i++) customers.push({ id: customerName(i), ...customer(i) })
  writeFileSync(jsonFile, JSON.stringify({ customers }))
  return { database, jsonFile, key: { api_key: key.api_key, api_secret: key.api_secret } }
}
