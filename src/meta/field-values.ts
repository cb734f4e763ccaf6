import type { ColumnValue } from '../db/tables.js'
import { CharacterLengthExceededError, ValidationError } from '../errors.js'
import type { FieldMeta } from './doctype-meta.js'

/**
 * Conversions between the wire, where Frappe's clients send loosely typed JSON or form strings,
 * and the columns, which hold one canonical form per storage kind (sortable date texts,
 * microsecond datetimes, 0/1 checks).
 */

const datetimePattern = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?(?:Z|[+-]00:?00)?$/
const timePattern = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?$/
const numberText = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

function invalid (field: FieldMeta, value: unknown, expected: string): ValidationError {
  return new ValidationError(`Value ${JSON.stringify(value)} is not valid for ${field.label}: it must be ${expected}`)
}

function isRealDate (year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  return date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day)
}

export function pad (value: string | number, width = 2): string {
  return String(value).padStart(width, '0')
}

/** A date text `YYYY-MM-DD`, or undefined when `text` is not a real date (a datetime's date counts). */
export function normalizeDate (text: string): string | undefined {
  const match = datetimePattern.exec(text.trim())
  if (match === null) return undefined
  const [, year = '', month = '', day = ''] = match
  return isRealDate(year, month, day) ? `${year}-${month}-${day}` : undefined
}

/** The stored datetime form `YYYY-MM-DD HH:MM:SS.ffffff`, or undefined when `text` is not one. */
export function normalizeDatetime (text: string): string | undefined {
  const match = datetimePattern.exec(text.trim())
  if (match === null) return undefined
  const [, year = '', month = '', day = '', hour = '0', minute = '0', second = '0', fraction = ''] = match
  if (!isRealDate(year, month, day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  return `${year}-${month}-${day} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${fraction.padEnd(6, '0')}`
}

/** The stored time form `HH:MM:SS.ffffff`, or undefined when `text` is not a time. */
export function normalizeTime (text: string): string | undefined {
  const match = timePattern.exec(text.trim())
  if (match === null) return undefined
  const [, hour = '0', minute = '0', second = '0', fraction = ''] = match
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  return `${pad(hour, 2)}:${minute}:${pad(second, 2)}.${fraction.padEnd(6, '0')}`
}

function toNumber (field: FieldMeta, value: unknown, integer: boolean): number {
  if (isBlank(value)) return 0
  if (typeof value === 'boolean') return value ? 1 : 0
  const number = typeof value === 'number' ? value : typeof value === 'string' && numberText.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isFinite(number)) throw invalid(field, value, integer ? 'a whole number' : 'a number')
  if (field.nonNegative && number < 0) throw new ValidationError(`${field.label} cannot be negative`)
  return integer ? Math.trunc(number) : number
}

function toText (field: FieldMeta, value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw invalid(field, value, 'text')
}

/**
 * The column value for a value sent by a client. Throws ValidationError (417) naming the field
 * when the value cannot be one of this field's type.
 */
export function toColumnValue (field: FieldMeta, value: unknown): ColumnValue {
  switch (field.storage) {
    case 'int':
      return toNumber(field, value, true)
    case 'float':
      return toNumber(field, value, false)
    case 'rating':
      return Math.min(1, Math.max(0, toNumber(field, value, false)))
    case 'check': {
      if (isBlank(value) || value === false || value === 0 || value === '0' || value === 'false') return 0
      if (value === true || value === 1 || value === '1' || value === 'true') return 1
      throw invalid(field, value, '0 or 1')
    }
    case 'date':
    case 'datetime':
    case 'time': {
      if (isBlank(value)) return null
      const text = typeof value === 'string' ? value : ''
      const normalized = field.storage === 'date' ? normalizeDate(text) : field.storage === 'datetime' ? normalizeDatetime(text) : normalizeTime(text)
      if (normalized === undefined) {
        const shapes = { date: 'a date as YYYY-MM-DD', datetime: 'a datetime as YYYY-MM-DD HH:MM:SS', time: 'a time as HH:MM:SS' }
        throw invalid(field, value, shapes[field.storage])
      }
      return normalized
    }
    case 'json': {
      if (isBlank(value)) return null
      if (typeof value !== 'string') return JSON.stringify(value)
      try {
        JSON.parse(value)
      } catch {
        throw invalid(field, value, 'JSON text')
      }
      return value
    }
    case 'varchar': {
      if (value === null || value === undefined) return null
      const text = toText(field, value)
      if (field.maxLength !== undefined && [...text].length > field.maxLength) {
        throw new CharacterLengthExceededError(
          `${field.label}: '${text.slice(0, 40)}${text.length > 40 ? '...' : ''}' (${[...text].length}) will get truncated, as max characters allowed is ${field.maxLength}`
        )
      }
      return text
    }
    case 'text':
      return value === null || value === undefined ? null : toText(field, value)
    case 'table':
      throw new Error(`Table field ${field.fieldname} has no column`)
  }
}

/** The value of a field as Frappe sends it: numbers as numbers, datetimes without a zero fraction. */
export function toWireValue (field: FieldMeta, value: ColumnValue): ColumnValue {
  if (value === null) return null
  // Frappe never sends a Password field's value: its column holds one asterisk per character.
  if (field.fieldtype === 'Password') return '*'.repeat([...String(value)].length)
  switch (field.storage) {
    case 'int':
    case 'check':
    case 'float':
    case 'rating':
      return Number(value)
    case 'datetime':
      return String(value).replace(/\.0{6}$/, '')
    case 'time': {
      const [hms = '', fraction = ''] = String(value).split('.')
      const text = hms.replace(/^0(\d):/, '$1:')
      return /^0*$/.test(fraction) ? text : `${text}.${fraction}`
    }
    default:
      return value
  }
}

/** No value at all: null, undefined or the empty string. */
export function isBlank (value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || value === ''
}

/** Whether a value counts as missing for a mandatory field (a Text Editor with only markup too). */
export function isEmptyValue (field: FieldMeta, value: ColumnValue | undefined): boolean {
  if (value === null || value === undefined) return true
  if (typeof value !== 'string') return false
  if (field.fieldtype === 'Text Editor') return value.replace(/<(?!img)[^>]*>/gi, '').replace(/&nbsp;/g, '').trim() === ''
  return value.trim() === ''
}
