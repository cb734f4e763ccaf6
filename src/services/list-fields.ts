import { sql, type Expression } from 'kysely'
import { DataError, ValidationError } from '../errors.js'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import { jsonParam } from './request-params.js'

/** One requested column of a list: a field, or an aggregate over one. */
export interface SelectedColumn {
  /** The key of this column in each row. */
  readonly key: string
  /** The field whose type shapes the values; undefined for counts. */
  readonly field: FieldMeta | undefined
  /** The field an aggregate reads (undefined for count(*)): reading it must be allowed too. */
  readonly argument: FieldMeta | undefined
  readonly expression: Expression<unknown>
  readonly aggregate: boolean
}

const aliasPattern = /^[A-Za-z_][A-Za-z0-9_]*$/
const aggregatePattern = /^(count|sum|avg|min|max)\s*\(\s*(distinct\s+)?([^()]*?)\s*\)$/i

/**
 * The field of `meta` a query names: bare, in backticks, or qualified by its own table
 * (`` `tabToDo`.`status` ``). Anything else, SQL included, names no field; nor does a Password
 * field, whose value no query may show, sort or match.
 */
export function queryField (meta: DocTypeMeta, text: string): FieldMeta | undefined {
  const unquoted = text.replace(/`/g, '').trim()
  const dot = unquoted.lastIndexOf('.')
  if (dot !== -1 && unquoted.slice(0, dot) !== meta.table) return undefined
  const field = meta.fieldsByName.get(unquoted.slice(dot + 1))
  return field === undefined || field.storage === 'table' || field.fieldtype === 'Password' ? undefined : field
}

function resolveField (meta: DocTypeMeta, text: string): FieldMeta {
  const field = queryField(meta, text)
  if (field === undefined) throw new DataError(`Field not permitted in query: ${text}`)
  return field
}

function splitAlias (text: string): { expression: string, alias: string | undefined } {
  const match = /^(.*?)\s+as\s+(\S+)$/i.exec(text.trim())
  if (match === null) return { expression: text.trim(), alias: undefined }
  const alias = (match[2] ?? '').replace(/^[`"'](.*)[`"']$/, '$1')
  if (!aliasPattern.test(alias)) throw new DataError(`Invalid alias ${match[2] ?? ''}: use letters, digits and _`)
  return { expression: match[1] ?? '', alias }
}

function column (meta: DocTypeMeta, text: string): SelectedColumn {
  const { expression, alias } = splitAlias(text)
  const aggregate = aggregatePattern.exec(expression)
  if (aggregate !== null) {
    const fn = (aggregate[1] ?? '').toLowerCase()
    const distinct = aggregate[2] !== undefined
    const argument = aggregate[3] ?? ''
    const field = argument === '*' && fn === 'count' && !distinct ? undefined : resolveField(meta, argument)
    const inner = field === undefined ? sql`*` : sql.ref(`${meta.table}.${field.fieldname}`)
    return {
      key: alias ?? expression,
      field: fn === 'count' ? undefined : field,
      argument: field,
      expression: sql`${sql.raw(fn)}(${distinct ? sql`distinct ` : sql``}${inner})`,
      aggregate: true
    }
  }
  if (/[()]/.test(expression)) throw new DataError('Use of sub-query or function is restricted')
  const field = resolveField(meta, expression)
  return { key: alias ?? field.fieldname, field, argument: field, expression: sql.ref(`${meta.table}.${field.fieldname}`), aggregate: false }
}

/** Frappe's `fields`: a list of field names, `*` for every field, aliases and simple aggregates. */
export function parseFields (meta: DocTypeMeta, raw: unknown): SelectedColumn[] {
  const fields = jsonParam('fields', raw)
  if (fields === undefined || fields === null || fields === '') return parseFields(meta, ['name'])
  const list = typeof fields === 'string' ? [fields] : fields
  if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === 'string')) {
    throw new ValidationError(`fields must be a list of field names, such as ["name", "status"], not ${JSON.stringify(fields)}`)
  }
  return list.flatMap((text: string) => text.trim() === '*'
    ? meta.columns.filter((field) => field.fieldtype !== 'Password').map((field) => column(meta, field.fieldname))
    : [column(meta, text)])
}
