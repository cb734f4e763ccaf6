import { readFileSync } from 'node:fs'
import type { Db } from '../db/tables.js'
import type { MetaRegistry } from '../meta/registry.js'
import { insertDocument } from './documents.js'
import { asAdministrator } from './user-admin.js'

interface DemoRecord {
  doctype: string
  [field: string]: unknown
}

/** Inserts the demo records (a JSON list of documents, each with its `doctype`) as Administrator. */
export async function seedDemoData (db: Db, registry: MetaRegistry, file: string): Promise<number> {
  const records = JSON.parse(readFileSync(file, 'utf8')) as DemoRecord[]
  const ctx = asAdministrator(db, registry)
  for (const { doctype, ...fields } of records) await insertDocument(ctx, doctype, fields)
  return records.length
}
