import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { ColumnValue, Db } from '../db/tables.js'
import { DuplicateEntryError, InvalidNameError, ValidationError } from '../errors.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import { now } from './clock.js'
import { readRow } from './document-store.js'

const base32hex = '0123456789abcdefghijklmnopqrstuv'

/** Frappe v15's random name: 10 characters from `0-9a-v`. */
export function randomName (): string {
  return [...randomBytes(10)].map((byte) => base32hex[byte % 32]).join('')
}

type NamingRule =
  | { kind: 'random' }
  | { kind: 'prompt' }
  | { kind: 'field', fieldname: string }
  | { kind: 'autoincrement' }
  | { kind: 'series', pattern: string }
  | { kind: 'naming_series' }

/** Frappe's dot-separated pattern (`CUST-.YYYY.-.#####`) in the brace form expandPattern reads. */
function fromDotPattern (pattern: string): string {
  const braced = pattern.split('.').filter((part) => part !== '').map((part) => `{${part}}`).join('')
  return braced.includes('#') ? braced : `${braced}{#####}`
}

/** Reads a DocType's `autoname` the way Frappe does. */
function namingRule (meta: DocTypeMeta): NamingRule {
  const autoname = meta.autoname
  const lower = autoname.toLowerCase()
  if (lower === '' || lower === 'hash') return { kind: 'random' }
  if (lower === 'prompt') return { kind: 'prompt' }
  if (lower === 'autoincrement') return { kind: 'autoincrement' }
  if (lower.startsWith('field:')) return { kind: 'field', fieldname: autoname.slice('field:'.length).trim() }
  if (lower.startsWith('naming_series:')) return { kind: 'naming_series' }
  if (lower.startsWith('format:')) return { kind: 'series', pattern: autoname.slice('format:'.length) }
  return { kind: 'series', pattern: fromDotPattern(autoname) }
}

async function nextInSeries (trx: Db, prefix: string): Promise<number> {
  const row = await trx.insertInto('tabSeries')
    .values({ name: prefix, current: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ current: sql<number>`current + 1` }))
    .returning('current')
    .executeTakeFirstOrThrow()
  return row.current
}

/**
 * Expands a naming pattern whose parts are in braces: `{#####}` is a counter per prefix, `{YYYY}`,
 * `{YY}`, `{MM}`, `{DD}` date parts, `{fieldname}` a value of the document; other text is literal.
 */
async function expandPattern (trx: Db, pattern: string, doc: Readonly<Record<string, ColumnValue>>): Promise<string> {
  const date = now()
  const [year = '', month = '', day = ''] = date.slice(0, 10).split('-')
  const parts = pattern.split(/(\{[^}]*\})/).filter((part) => part !== '')
  let name = ''
  for (const part of parts) {
    const key = part.startsWith('{') ? part.slice(1, -1) : undefined
    if (key === undefined) { name += part; continue }
    if (/^#+$/.test(key)) {
      name += String(await nextInSeries(trx, name)).padStart(key.length, '0')
      continue
    }
    const dateParts: Record<string, string> = { YYYY: year, YY: year.slice(2), MM: month, DD: day, timestamp: String(Math.floor(Date.now() / 1000)) }
    const value = dateParts[key] ?? doc[key]
    if (value === undefined) { name += key; continue }
    if (value === null || value === '') throw new ValidationError(`${key} is needed to name this document`)
    name += String(value)
  }
  return name
}

/** A random name no document of the DocType holds yet (Frappe retries 5 times too). */
async function freeRandomName (trx: Db, meta: DocTypeMeta): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const name = randomName()
    if (await readRow(trx, meta, name) === undefined) return name
  }
  throw new DuplicateEntryError(`Could not find a free name for a new ${meta.name}`)
}

/** Checks a name the way Frappe does: trimmed, non-empty, no angle brackets, at most 140 characters. */
export function checkName (meta: DocTypeMeta, name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') throw new ValidationError('Please set the document name')
  if (/[<>]/.test(trimmed)) throw new InvalidNameError('Name cannot contain special characters like < >')
  if (trimmed === meta.name) throw new InvalidNameError(`Name of ${meta.name} cannot be ${meta.name}`)
  if ([...trimmed].length > 140) throw new InvalidNameError('Name is too long: it may hold at most 140 characters')
  return trimmed
}

/** The name of a new document under the DocType's naming rule. */
export async function newName (trx: Db, meta: DocTypeMeta, doc: Readonly<Record<string, ColumnValue>>, requested: unknown): Promise<string> {
  const rule = namingRule(meta)
  switch (rule.kind) {
    case 'random':
      return await freeRandomName(trx, meta)
    case 'prompt':
      return checkName(meta, typeof requested === 'string' ? requested : '')
    case 'field': {
      const value = doc[rule.fieldname]
      const field = meta.fieldsByName.get(rule.fieldname)
      if (value === null || value === undefined || String(value).trim() === '') {
        throw new ValidationError(`${field?.label ?? rule.fieldname} is required`)
      }
      return checkName(meta, String(value))
    }
    case 'autoincrement':
      return String(await nextInSeries(trx, meta.table))
    case 'series':
      return checkName(meta, await expandPattern(trx, rule.pattern, doc))
    case 'naming_series': {
      const series = doc.naming_series ?? meta.fieldsByName.get('naming_series')?.selectOptions.find((o) => o !== '')
      if (series === undefined || series === null || series === '') throw new ValidationError('Naming Series mandatory')
      return checkName(meta, await expandPattern(trx, fromDotPattern(String(series)), doc))
    }
  }
}
