import { readFileSync } from 'node:fs'
import { inTransaction } from '../db/transactions.js'
import type { SiteServices } from './context.js'
import { insertDocument } from './documents.js'
import { asAdministrator } from './user-admin.js'

/** A document to seed, with its `doctype`. */
export interface SeedRecord {
  doctype: string
  [field: string]: unknown
}

function isSeedRecord (value: unknown): value is SeedRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as SeedRecord).doctype === 'string'
}

/** The records of a seed file: a JSON list of documents, each with its `doctype`. */
export function readSeedFile (file: string): SeedRecord[] {
  const records: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!Array.isArray(records) || !records.every(isSeedRecord)) throw new Error(`${file} must hold a list of documents, each with its doctype`)
  return records
}

/** Inserts the records as Administrator, all or none, telling `onProgress` how many are in. */
export async function seedRecords (services: SiteServices, records: readonly SeedRecord[], onProgress: (done: number) => void = () => {}): Promise<number> {
  return await inTransaction(services.db, async (db) => {
    const ctx = asAdministrator({ ...services, db })
    for (const [index, { doctype, ...fields }] of records.entries()) {
      await insertDocument(ctx, doctype, fields)
      onProgress(index + 1)
    }
    return records.length
  })
}

/** Inserts the demo records of a new database. */
export async function seedDemoData (services: SiteServices, file: string): Promise<number> {
  return await seedRecords(services, readSeedFile(file))
}
