import { PermissionError } from '../errors.js'
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import { virtualDocTypes } from '../meta/registry.js'
import type { ServiceContext } from '../services/context.js'
import { listDocuments } from '../services/list-documents.js'

/** A stored document name per DocType, for example values of Link fields that must point somewhere. */
export type SampleNames = ReadonlyMap<string, string>

/**
 * The first name of each DocType the user may list documents of: examples show only what the
 * one asking could read anyway.
 */
export async function sampleNames (ctx: ServiceContext): Promise<SampleNames> {
  const samples = new Map<string, string>()
  for (const meta of ctx.registry.all()) {
    if (meta.isTable || meta.isSingle) continue
    try {
      const [row] = await listDocuments(ctx, meta.name, { fields: ['name'], order_by: 'name asc', limit: 1 })
      if (row !== undefined && !Array.isArray(row) && typeof row.name === 'string') samples.set(meta.name, row.name)
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error
    }
  }
  return samples
}

/** A DocType with documents, for Link fields to "DocType". */
function sampleDocType (samples: SampleNames): string | undefined {
  return samples.has('ToDo') ? 'ToDo' : samples.keys().next().value
}

function exampleValue (field: FieldMeta, example: Readonly<Record<string, unknown>>, samples: SampleNames, fresh: string): unknown {
  switch (field.fieldtype) {
    case 'Link': return (virtualDocTypes.has(field.options) ? sampleDocType(samples) : samples.get(field.options)) ?? (field.reqd ? `<the name of a ${field.options}>` : undefined)
    case 'Dynamic Link': {
      const target = example[field.options]
      return typeof target === 'string' ? samples.get(target) : undefined
    }
    case 'Select': return field.selectOptions.find((option) => option !== '')
    case 'Check': return 0
    case 'Int': case 'Long Int': return 1
    case 'Float': case 'Currency': case 'Percent': case 'Duration': return 1.5
    case 'Rating': return 0.6
    case 'Date': return '2026-01-31'
    case 'Datetime': return '2026-01-31 09:30:00'
    case 'Time': return '09:30:00'
    case 'JSON': return {}
    case 'Password': return 'Example-Secret-1'
    case 'Table': case 'Table MultiSelect': return []
    default:
      if (field.options === 'Email') return `example-${fresh}@example.com`
      if (field.options === 'Phone' || field.fieldtype === 'Phone') return '+1 555 0100'
      if (field.options === 'URL') return 'https://example.com'
      return field.storage === 'varchar' ? `${field.label.slice(0, Math.max(1, (field.maxLength ?? 140) - 40))} ${fresh}` : `Example ${field.label.toLowerCase()}`
  }
}

/**
 * A body that creates a document of `meta`: every field a client would write at level 0 and the
 * mandatory ones at any level, with Link fields pointing at stored documents (left out when nothing
 * is stored), and `fresh` in texts so that unique fields can differ (Postman's {{$randomUUID}}
 * makes them new on every run).
 */
export function exampleDocument (meta: DocTypeMeta, samples: SampleNames, fresh: string): Record<string, unknown> {
  const example: Record<string, unknown> = {}
  for (const field of [...meta.columns, ...meta.tables]) {
    if (field.standard || (field.permlevel > 0 && !field.reqd) || field.fieldtype === 'Read Only') continue
    const value = exampleValue(field, example, samples, fresh)
    if (value !== undefined) example[field.fieldname] = value
  }
  return example
}

/** A field an update may change without touching the name, a unique value or a link: the first free text. */
export function editableField (meta: DocTypeMeta): FieldMeta | undefined {
  const namedBy = meta.autoname.toLowerCase().startsWith('field:') ? meta.autoname.slice('field:'.length).trim() : ''
  return meta.columns.find((field) => !field.standard && !field.unique && field.permlevel === 0 && field.fieldname !== namedBy &&
    field.options === '' && (field.fieldtype === 'Data' || field.storage === 'text') && field.fieldtype !== 'Password')
}
