import type { ColumnValue, DocumentRow } from '../db/tables.js'
import { ValidationError } from '../errors.js'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import { toColumnValue } from '../meta/field-values.js'
import { now, today } from './clock.js'
import type { RequestUser } from './users.js'

/** The body a client sent for one document or child row. */
export type DocumentInput = Readonly<Record<string, unknown>>

/** Which fields a user may see or change (Frappe's permlevels); by default, all. */
export type FieldFilter = (field: FieldMeta) => boolean

export const everyField: FieldFilter = () => true

/** A field's default on a new document: Frappe's `Today`, `Now` and `__user` are resolved. */
function defaultValue (field: FieldMeta, user: RequestUser): unknown {
  const value = field.default
  if (value === undefined || value === '') {
    return field.fieldtype === 'Select' ? field.selectOptions[0] ?? null : null
  }
  if (typeof value === 'string') {
    const keyword = value.toLowerCase()
    if (keyword === 'today') return today()
    if (keyword === 'now') return now()
    if (keyword === '__user') return user.name
  }
  return value
}

/**
 * Each field value the client sent for the DocType's own columns, converted for storage. Values
 * for fields the user may not write are left out, silently, as Frappe leaves them.
 */
export function inputValues (meta: DocTypeMeta, input: DocumentInput, writable: FieldFilter = everyField): DocumentRow {
  const values: DocumentRow = {}
  for (const field of meta.columns) {
    if (field.standard || !Object.hasOwn(input, field.fieldname) || !writable(field)) continue
    // A Password sent back as the asterisks it was shown as means "unchanged", as in Frappe.
    if (field.fieldtype === 'Password' && typeof input[field.fieldname] === 'string' && /^\*+$/.test(String(input[field.fieldname]))) continue
    const value = toColumnValue(field, input[field.fieldname])
    values[field.fieldname] = field.unique && value === '' ? null : value
  }
  return values
}

/** The values of a new document or row: what was sent, and defaults for the rest. */
export function newValues (meta: DocTypeMeta, input: DocumentInput, user: RequestUser, writable: FieldFilter = everyField): DocumentRow {
  const values = inputValues(meta, input, writable)
  for (const field of meta.columns) {
    if (field.standard || Object.hasOwn(values, field.fieldname)) continue
    values[field.fieldname] = toColumnValue(field, defaultValue(field, user))
  }
  return values
}

/** The rows a client sent for a Table field: a list of objects, or nothing. */
export function inputRows (field: FieldMeta, value: unknown): DocumentInput[] {
  if (value === null || value === undefined) return []
  if (!Array.isArray(value) || !value.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))) {
    throw new ValidationError(`${field.label} must be a list of rows (objects)`)
  }
  return value as DocumentInput[]
}

/** The values of the DocType's current columns: a stored row may still hold columns of removed fields. */
export function columnValues (meta: DocTypeMeta, row: DocumentRow): Record<string, ColumnValue> {
  const values: Record<string, ColumnValue> = {}
  for (const field of meta.columns) {
    if (Object.hasOwn(row, field.fieldname)) values[field.fieldname] = row[field.fieldname] ?? null
  }
  return values
}
