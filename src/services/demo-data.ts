import { readFileSync } from 'node:fs'
import type { SiteServices } from './context.js'
import { insertDocument } from './documents.js'
import { asAdministrator } from './user-admin.js'

interface DemoRecord {
  doctype: string
  [field: string]: unknown
}

function isDemoRecord (value: unknown): value is DemoRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as DemoRecord).doctype === 'string'
}

/** Inserts the demo records (a JSON list of documents, each with its `doctype`) as Administrator. */
export async function seedDemoData (services: SiteServices, file: string): Promise<number> {
  const records: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!Array.isArray(records) || !records.every(isDemoRecord)) throw new Error(`${file} must hold a list of documents, each with its doctype`)
  const ctx = asAdministrator(services)
  for (const { doctype, ...fields } of records) await insertDocument(ctx, doctype, fields)
  return records.length
}
