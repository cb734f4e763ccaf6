import type { DocumentRow } from '../db/tables.js'
import { DocstatusTransitionError, UpdateAfterSubmitError, ValidationError } from '../errors.js'
import type { Right } from '../meta/definition.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'
import type { StoredDocument } from './document-store.js'
import { inputRows, inputValues, type DocumentInput } from './document-values.js'

const labels = ['0 (Draft)', '1 (Submitted)', '2 (Cancelled)']

/** The docstatus a save leads to, and the right that transition needs beyond create or write. */
export interface DocstatusTransition {
  readonly value: number
  readonly right: Right | undefined
}

function requestedDocstatus (requested: unknown, current: number): number {
  if (requested === undefined || requested === null || requested === '') return current
  const value = typeof requested === 'number' || (typeof requested === 'string' && /^\s*\d\s*$/.test(requested)) ? Number(requested) : Number.NaN
  if (value !== 0 && value !== 1 && value !== 2) throw new ValidationError(`docstatus must be 0, 1 or 2, not ${JSON.stringify(requested)}`)
  return value
}

function refuse (from: number, to: number): DocstatusTransitionError {
  return new DocstatusTransitionError(`Cannot change docstatus from ${labels[from] ?? from} to ${labels[to] ?? to}`)
}

/**
 * Frappe's docstatus rules: drafts may be submitted, submitted documents cancelled, nothing goes
 * back; only submittable DocTypes leave draft at all. `current` is 0 for a new document.
 */
export function nextDocstatus (meta: DocTypeMeta, current: number, requested: unknown, isNew: boolean): DocstatusTransition {
  const value = requestedDocstatus(requested, current)
  if (current === 2) throw new ValidationError('Cannot edit cancelled document')
  if (value !== 0 && !meta.isSubmittable) {
    throw new DocstatusTransitionError(`${meta.name} is not submittable: its docstatus stays 0 (Draft)`)
  }
  if (current === 0 && value === 0) return { value, right: undefined }
  if (current === 0 && value === 1) return { value, right: 'submit' }
  if (current === 1 && value === 1 && !isNew) return { value, right: 'submit' }
  if (current === 1 && value === 2) return { value, right: 'cancel' }
  throw refuse(current, value)
}

function differs (a: unknown, b: unknown): boolean {
  return String(a ?? '') !== String(b ?? '')
}

/** A submitted document may change only its `allow_on_submit` fields, child rows included. */
export function assertChangesAllowedAfterSubmit (registry: MetaRegistry, meta: DocTypeMeta, stored: StoredDocument, input: DocumentInput): void {
  if (Number(stored.row.docstatus) !== 1) return
  const check = (label: string, before: DocumentRow, changes: DocumentRow, owner: DocTypeMeta): void => {
    for (const [fieldname, value] of Object.entries(changes)) {
      const field = owner.fieldsByName.get(fieldname)
      if (field === undefined || field.allowOnSubmit || !differs(before[fieldname], value)) continue
      throw new UpdateAfterSubmitError(
        `${label}Not allowed to change <strong>${field.label}</strong> after submission from ${String(before[fieldname] ?? '')} to ${String(value ?? '')}`
      )
    }
  }
  check('', stored.row, inputValues(meta, input), meta)
  for (const table of meta.tables) {
    if (table.allowOnSubmit || !Object.hasOwn(input, table.fieldname)) continue
    const child = registry.get(table.options)
    const before = stored.children.get(table.fieldname) ?? []
    const after = inputRows(table, input[table.fieldname])
    if (after.length !== before.length) {
      throw new UpdateAfterSubmitError(`Not allowed to change <strong>${table.label}</strong> after submission`)
    }
    after.forEach((row, index) => check(`Row #${index + 1}: `, before[index] ?? {}, inputValues(child, row), child))
  }
}
