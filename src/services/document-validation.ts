import type { Db, DocumentRow } from '../db/tables.js'
import {
  InvalidEmailAddressError, InvalidPhoneNumberError, LinkValidationError, MandatoryError, ValidationError, type ServerMessage
} from '../errors.js'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import { isBlank, isEmptyValue } from '../meta/field-values.js'
import { virtualDocTypes, type MetaRegistry } from '../meta/registry.js'
import { readRow } from './document-store.js'

/** A document on its way to the database: its row and the rows of each Table field. */
export interface PendingDocument {
  readonly meta: DocTypeMeta
  readonly row: DocumentRow
  readonly children: ReadonlyMap<string, readonly DocumentRow[]>
}

interface RowInTable {
  readonly meta: DocTypeMeta
  readonly row: DocumentRow
  /** The row number for messages about child rows; undefined for the document itself. */
  readonly rowNumber: number | undefined
}

function everyRow (registry: MetaRegistry, doc: PendingDocument): RowInTable[] {
  const rows: RowInTable[] = [{ meta: doc.meta, row: doc.row, rowNumber: undefined }]
  for (const table of doc.meta.tables) {
    const child = registry.get(table.options)
    for (const row of doc.children.get(table.fieldname) ?? []) rows.push({ meta: child, row, rowNumber: Number(row.idx) })
  }
  return rows
}

async function existingName (trx: Db, registry: MetaRegistry, target: string, value: string): Promise<string | undefined> {
  if (virtualDocTypes.has(target)) return registry.findIgnoringCase(value)?.name
  const meta = registry.find(target)
  if (meta === undefined) return undefined
  const row = await readRow(trx, meta, value)
  return row === undefined ? undefined : String(row.name)
}

function linkTarget (field: FieldMeta, row: DocumentRow): string {
  return field.fieldtype === 'Link' ? field.options : String(row[field.options] ?? '')
}

/**
 * Every Link and Dynamic Link value must name an existing document. As in Frappe the match
 * ignores letter case and the stored value takes the target's exact name.
 */
export async function validateLinks (trx: Db, registry: MetaRegistry, doc: PendingDocument): Promise<void> {
  const missing: string[] = []
  for (const { meta, row, rowNumber } of everyRow(registry, doc)) {
    for (const field of meta.columns) {
      if (field.fieldtype !== 'Link' && field.fieldtype !== 'Dynamic Link') continue
      const value = row[field.fieldname]
      if (isBlank(value)) continue
      const found = await existingName(trx, registry, linkTarget(field, row), String(value))
      if (found === undefined) {
        missing.push(`${rowNumber === undefined ? '' : `Row #${rowNumber}: `}${field.label}: ${String(value)}`)
      } else {
        row[field.fieldname] = found
      }
    }
  }
  if (missing.length > 0) throw new LinkValidationError(`Could not find ${missing.join(', ')}`)
}

/** Frappe's mandatory check: one message per missing value, then one MandatoryError. */
export function validateMandatory (registry: MetaRegistry, doc: PendingDocument): void {
  const messages: ServerMessage[] = []
  const missing: string[] = []
  for (const { meta, row, rowNumber } of everyRow(registry, doc)) {
    for (const field of meta.columns) {
      if (!field.reqd || field.standard || !isEmptyValue(field, row[field.fieldname])) continue
      missing.push(field.fieldname)
      messages.push({
        message: rowNumber === undefined
          ? `Error: Value missing for ${meta.name}: ${field.label}`
          : `Error: <strong>${meta.name}</strong> Row #${rowNumber}: Value missing for: ${field.label}`,
        title: 'Message'
      })
    }
  }
  for (const table of doc.meta.tables) {
    if (table.reqd && (doc.children.get(table.fieldname) ?? []).length === 0) {
      missing.push(table.fieldname)
      messages.push({ message: `Error: Data missing in table: ${table.label}`, title: 'Message' })
    }
  }
  if (missing.length > 0) {
    throw new MandatoryError(`[${doc.meta.name}, ${String(doc.row.name)}]: ${missing.join(', ')}`, { serverMessages: messages })
  }
}

/** A Select value must be one of its options (the empty value is always allowed). */
export function validateSelects (registry: MetaRegistry, doc: PendingDocument): void {
  for (const { meta, row, rowNumber } of everyRow(registry, doc)) {
    for (const field of meta.columns) {
      if (field.fieldtype !== 'Select' || field.selectOptions.every((o) => o === '')) continue
      const value = row[field.fieldname]
      if (isBlank(value)) continue
      const trimmed = String(value).trim()
      if (field.selectOptions.includes(trimmed)) {
        row[field.fieldname] = trimmed
        continue
      }
      const options = field.selectOptions.filter((o) => o !== '').map((o) => `"${o}"`).join(', ')
      const prefix = rowNumber === undefined ? '' : `Row #${rowNumber}: `
      throw new ValidationError(`${prefix}${field.label} cannot be "${String(value)}". It should be one of ${options}`)
    }
  }
}

const emailPattern = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/
const phonePattern = /^[0-9 +_\-,.*#()]{1,20}$/
const personNamePattern = /^[\p{L}\p{N}_][\p{L}\p{N}_'-]*(?: [\p{L}\p{N}_'-]+)*$/u

function isUrl (value: string): boolean {
  try {
    return new URL(value).host !== ''
  } catch {
    return false
  }
}

/** Frappe's checks for Data fields whose options say what they hold. */
const dataOptionChecks: Readonly<Record<string, (value: string) => ValidationError | undefined>> = {
  Email: (value) => value.split(',').every((email) => emailPattern.test(email.trim())) ? undefined : new InvalidEmailAddressError(`${value} is not a valid Email Address`),
  Phone: (value) => phonePattern.test(value) ? undefined : new InvalidPhoneNumberError(`${value} is not a valid Phone Number`),
  URL: (value) => isUrl(value) ? undefined : new ValidationError(`${value} is not a valid URL`),
  Name: (value) => personNamePattern.test(value) ? undefined : new ValidationError(`${value} is not a valid Name`)
}

/** Data fields with Email, Phone, URL or Name as options must hold such a value (or none). */
export function validateDataOptions (registry: MetaRegistry, doc: PendingDocument): void {
  for (const { meta, row } of everyRow(registry, doc)) {
    for (const field of meta.columns) {
      const check = field.fieldtype === 'Data' ? dataOptionChecks[field.options] : undefined
      const value = row[field.fieldname]
      if (check === undefined || isBlank(value) || String(value).trim() === '') continue
      const error = check(String(value).trim())
      if (error !== undefined) throw error
    }
  }
}
