import { sql, type Expression, type SqlBool } from 'kysely'
import type { ColumnValue } from '../db/tables.js'
import { DataError, ValidationError } from '../errors.js'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import { normalizeDate, normalizeDatetime, normalizeTime, toColumnValue } from '../meta/field-values.js'
import { numericKinds } from '../meta/field-types.js'
import type { MetaRegistry } from '../meta/registry.js'
import { queryField } from './list-fields.js'
import { today } from './clock.js'
import { jsonParam } from './request-params.js'

/** Every operator Frappe accepts, in the order its error message lists them. */
const frappeOperators = [
  '=', '!=', '>', '<', '>=', '<=', 'like', 'not like', 'in', 'not in', 'is', 'between', 'timespan',
  'previous', 'next', 'ancestors of', 'descendants of', 'not ancestors of', 'not descendants of',
  'descendants of (inclusive)'
] as const

const comparisons = ['=', '!=', '>', '<', '>=', '<=', 'like', 'not like'] as const
type Comparison = typeof comparisons[number]
const supported = [...comparisons, 'in', 'not in', 'is', 'between'] as const
type Operator = typeof supported[number]

/** One parsed condition: a field of the listed DocType or of one of its child tables. */
export interface FilterCondition {
  readonly meta: DocTypeMeta
  readonly field: FieldMeta
  readonly operator: Operator
  readonly value: unknown
}

function fieldNotPermitted (fieldname: unknown): DataError {
  return new DataError(`Field not permitted in query: ${String(fieldname)}`)
}

function parseOperator (raw: unknown): Operator {
  if (typeof raw !== 'string') throw new ValidationError(`Operator must be one of ${frappeOperators.join(', ')}`)
  const operator = raw.trim().toLowerCase()
  const found = supported.find((o) => o === (operator === '' ? '=' : operator))
  if (found !== undefined) return found
  if ((frappeOperators as readonly string[]).includes(operator)) {
    throw new ValidationError(`Operator ${operator} is not supported by this server yet`)
  }
  throw new ValidationError(`Operator must be one of ${frappeOperators.join(', ')}`)
}

/** The DocType a 4-item filter names: the listed one, or one of its child tables. */
function filteredDocType (registry: MetaRegistry, meta: DocTypeMeta, doctype: unknown): DocTypeMeta {
  if (doctype === meta.name) return meta
  const child = meta.tables.find((table) => table.options === doctype)
  if (child === undefined) throw new DataError(`Cannot filter ${meta.name} on ${String(doctype)}: it is neither ${meta.name} nor one of its child tables`)
  return registry.get(child.options)
}

function condition (meta: DocTypeMeta, fieldname: unknown, operator: unknown, value: unknown): FilterCondition {
  if (typeof fieldname !== 'string') throw fieldNotPermitted(JSON.stringify(fieldname))
  const field = queryField(meta, fieldname)
  if (field === undefined) throw fieldNotPermitted(fieldname)
  return { meta, field, operator: parseOperator(operator), value }
}

function fromListItem (registry: MetaRegistry, meta: DocTypeMeta, item: unknown): FilterCondition {
  if (!Array.isArray(item)) {
    throw new ValidationError(`Each filter in a list must itself be a list such as ["field", "=", "value"], not ${JSON.stringify(item)}`)
  }
  switch (item.length) {
    case 2: return condition(meta, item[0], '=', item[1])
    case 3: return condition(meta, item[0], item[1], item[2])
    default:
      if (item.length < 2) throw new ValidationError(`A filter needs a field, an operator and a value: ${JSON.stringify(item)}`)
      return condition(filteredDocType(registry, meta, item[0]), item[1], item[2], item[3])
  }
}

function fromObjectEntry (meta: DocTypeMeta, fieldname: string, value: unknown): FilterCondition {
  if (Array.isArray(value)) {
    if (value.length !== 2) throw new ValidationError(`The filter on ${fieldname} must be a value or [operator, value], not ${JSON.stringify(value)}`)
    return condition(meta, fieldname, value[0], value[1])
  }
  return condition(meta, fieldname, '=', value)
}

/** Frappe's `filters` and `or_filters`: an object `{field: value | [op, value]}` or a list of lists. */
export function parseFilters (registry: MetaRegistry, meta: DocTypeMeta, name: string, raw: unknown): FilterCondition[] {
  const filters = jsonParam(name, raw)
  if (filters === undefined || filters === null || filters === '') return []
  if (Array.isArray(filters)) {
    if (filters.length > 0 && filters.every((item) => !Array.isArray(item))) return [fromListItem(registry, meta, filters)]
    return filters.map((item) => fromListItem(registry, meta, item))
  }
  if (typeof filters === 'object') return Object.entries(filters).map(([field, value]) => fromObjectEntry(meta, field, value))
  throw new ValidationError(`${name} must be an object or a list, not ${JSON.stringify(filters)}`)
}

function isTemporal (field: FieldMeta): boolean {
  return field.storage === 'date' || field.storage === 'datetime'
}

/** A filter value in the form its column holds, so that comparisons match stored values. */
function operand (field: FieldMeta, value: unknown): ColumnValue {
  if (numericKinds.has(field.storage)) return value === null ? null : toColumnValue(field, value)
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return value === null || value === undefined ? null : JSON.stringify(value)
  if (field.storage === 'datetime') return normalizeDatetime(value) ?? value
  if (field.storage === 'date') return normalizeDate(value) ?? value
  if (field.storage === 'time') return normalizeTime(value) ?? value
  return value
}

/** The value Frappe compares a NULL column as (its `ifnull` fallback). */
function nullFallback (field: FieldMeta, value: unknown): string | number {
  if (field.storage === 'date') return '0001-01-01'
  if (field.storage === 'datetime') return '0001-01-01 00:00:00.000000'
  if (field.storage === 'time') return '00:00:00.000000'
  return typeof value === 'number' ? 0 : ''
}

function likeMatches (text: string, pattern: string): boolean {
  const regex = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')
  return new RegExp(`^${regex}$`, 'is').test(text)
}

function compare (left: string | number, operator: Comparison, right: unknown): boolean {
  const a = typeof left === 'string' ? left.toLowerCase() : left
  const b = typeof right === 'string' ? right.toLowerCase() : typeof right === 'number' ? right : String(right ?? '')
  switch (operator) {
    case '=': return a === b
    case '!=': return a !== b
    case '<': return a < b
    case '>': return a > b
    case '<=': return a <= b
    case '>=': return a >= b
    case 'like': return likeMatches(String(a), String(b))
    case 'not like': return !likeMatches(String(a), String(b))
  }
}

/**
 * Whether Frappe's `ifnull(column, fallback)` wrapping applies: never to numbers and the name and
 * time-stamp columns, nor to `=`/`like` with a non-empty value, nor to `>`/`>=` on dates.
 */
function nullCanMatch (field: FieldMeta, operator: Comparison, value: unknown): boolean {
  if (numericKinds.has(field.storage) || ['name', 'creation', 'modified'].includes(field.fieldname)) return false
  if ((operator === '=' || operator === 'like') && value !== '' && value !== null && value !== 0) return false
  if ((operator === '>' || operator === '>=') && isTemporal(field)) return false
  return compare(nullFallback(field, value), operator, value)
}

function listOperand (field: FieldMeta, value: unknown): unknown[] {
  const items = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : Array.isArray(value) ? value : [value]
  const operands = items.map((item) => item === null || item === undefined ? '' : operand(field, item))
  return operands.length === 0 ? [''] : operands
}

/** The bounds of `between`; on dates a missing bound is today, as in Frappe. */
function betweenBounds (field: FieldMeta, value: unknown): [unknown, unknown] {
  if (!Array.isArray(value) || value.length > 2) throw new ValidationError(`between takes [from, to], not ${JSON.stringify(value)}`)
  const missing = (bound: unknown): boolean => bound === null || bound === undefined || bound === ''
  if (!isTemporal(field) && (value.length < 2 || value.some(missing))) {
    throw new ValidationError(`between on ${field.label} takes both bounds, not ${JSON.stringify(value)}`)
  }
  const [from, to] = value.map((bound: unknown) => missing(bound) ? today() : bound)
  if (field.storage === 'datetime') {
    const bound = (b: unknown, time: string): unknown => typeof b === 'string' && normalizeDate(b) === b ? `${b} ${time}` : operand(field, b)
    return [bound(from ?? today(), '00:00:00.000000'), bound(to ?? today(), '23:59:59.999999')]
  }
  return [operand(field, from ?? today()), operand(field, to ?? today())]
}

function orNull (column: Expression<unknown>, expression: Expression<SqlBool>, nullMatches: boolean): Expression<SqlBool> {
  return nullMatches ? sql<SqlBool>`(${expression} or ${column} is null)` : expression
}

/** The SQL for one condition on a column, with values bound as parameters. */
function columnCondition (column: Expression<unknown>, c: FilterCondition): Expression<SqlBool> {
  const { field, operator } = c
  switch (operator) {
    case 'in':
    case 'not in': {
      const values = listOperand(field, c.value)
      const test = operator === 'in' ? sql<SqlBool>`${column} in (${sql.join(values)})` : sql<SqlBool>`${column} not in (${sql.join(values)})`
      const nullMatches = !numericKinds.has(field.storage) && values.includes('') === (operator === 'in')
      return orNull(column, test, nullMatches)
    }
    case 'is': {
      const value = typeof c.value === 'string' ? c.value.trim().toLowerCase() : c.value
      const empty = numericKinds.has(field.storage) ? 0 : ''
      if (value === 'set') return sql<SqlBool>`(${column} is not null and ${column} != ${empty})`
      if (value === 'not set') return sql<SqlBool>`(${column} is null or ${column} = ${empty})`
      throw new ValidationError(`The operator "is" takes "set" or "not set", not ${JSON.stringify(c.value)}`)
    }
    case 'between': {
      const [from, to] = betweenBounds(field, c.value)
      return sql<SqlBool>`${column} between ${from} and ${to}`
    }
    default: {
      if (Array.isArray(c.value) || (typeof c.value === 'object' && c.value !== null)) {
        throw new ValidationError(`The operator ${operator} takes one value, not ${JSON.stringify(c.value)}`)
      }
      const value = operand(field, c.value)
      if (value === null) return operator === '=' ? sql<SqlBool>`${column} is null` : sql<SqlBool>`${column} is not null`
      return orNull(column, sql<SqlBool>`${column} ${sql.raw(operator)} ${value}`, nullCanMatch(field, operator, value))
    }
  }
}

/**
 * The SQL for a condition of a list of `meta`. A condition on a child table holds when any of
 * the document's rows in that table meets it.
 */
export function conditionSql (meta: DocTypeMeta, c: FilterCondition): Expression<SqlBool> {
  if (c.meta === meta) return columnCondition(sql.ref(`${meta.table}.${c.field.fieldname}`), c)
  const child = c.meta.table
  const test = columnCondition(sql.ref(`${child}.${c.field.fieldname}`), c)
  return sql<SqlBool>`exists (select 1 from ${sql.table(child)} where ${sql.ref(`${child}.parent`)} = ${sql.ref(`${meta.table}.name`)} and ${sql.ref(`${child}.parenttype`)} = ${meta.name} and ${test})`
}
