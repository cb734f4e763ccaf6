import { constraintViolation } from '../db/constraint-errors.js'
import type { Db, DocumentRow } from '../db/tables.js'
import { inTransaction } from '../db/transactions.js'
import {
  DoesNotExistError, DuplicateEntryError, PermissionError, TimestampMismatchError, UniqueValidationError, ValidationError
} from '../errors.js'
import type { Right } from '../meta/definition.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import type { MetaRegistry } from '../meta/registry.js'
import { now } from './clock.js'
import type { ServiceContext } from './context.js'
import { assertNotLinked } from './document-links.js'
import { insertRow, readDocument, readRow, toWireDocument, updateRow, type WireDocument } from './document-store.js'
import { validateDataOptions, validateLinks, validateMandatory, validateSelects, type PendingDocument } from './document-validation.js'
import { columnValues, inputRows, inputValues, newValues, type DocumentInput, type FieldFilter } from './document-values.js'
import { assertChangesAllowedAfterSubmit, nextDocstatus } from './docstatus.js'
import { newName, randomName } from './naming.js'
import { customDocPermDocType, validateCustomDocPerm } from './custom-docperms.js'
import { assertMay, may, ownRightsOnly, readsField, withOwnUser, withShare, writesField, type Access, type OwnedDocument } from './permissions.js'
import { deleteShares, shareDocType } from './shares.js'
import { defaultLinkValues, firstForbidden, forbiddenValue, restrictionsOn } from './user-permissions.js'
import { writeSingleRow } from './single-store.js'
import { assertDeletable } from './system-records.js'

function notFound (meta: DocTypeMeta, name: string): DoesNotExistError {
  return new DoesNotExistError(`${meta.name} ${name} not found`)
}

/** A Single DocType's one document is only ever read and updated. */
function assertNotSingle (meta: DocTypeMeta): void {
  if (meta.isSingle) {
    throw new ValidationError(`${meta.name} is a Single DocType: its one document is read and updated at /api/resource/${meta.name}/${meta.name}`)
  }
}

function owned (row: DocumentRow): OwnedDocument {
  return { name: String(row.name), owner: String(row.owner ?? '') }
}

/** The field filters of a user's access: what they may read, and write. */
function readable (access: Access): FieldFilter {
  return (field) => readsField(access, field)
}
function writable (access: Access): FieldFilter {
  return (field) => writesField(access, field)
}

type StoredDocument = Pick<PendingDocument, 'row' | 'children'>

/** What the user's roles give them on the DocType, as the permissions in force say. */
async function roleAccess (ctx: ServiceContext, db: Db, meta: DocTypeMeta): Promise<Access> {
  return (await ctx.permissions.current(db)).access(ctx.user, meta)
}

/**
 * Throws when a value of the document, or of its child rows, is one the user's User Permissions
 * do not allow. Given the document as stored, only the values being changed count.
 */
async function assertUserPermissions (ctx: ServiceContext, db: Db, meta: DocTypeMeta, doc: StoredDocument, stored?: StoredDocument): Promise<void> {
  const permissions = await (await ctx.permissions.current(db)).userPermissions(db, ctx.user)
  if (permissions.size === 0) return
  const own = firstForbidden(restrictionsOn(permissions, meta), doc.row, stored?.row)
  if (own !== undefined) throw forbiddenValue(ctx.user, meta, own)
  for (const table of meta.tables) {
    const child = ctx.registry.get(table.options)
    const restrictions = restrictionsOn(permissions, child, meta)
    const storedRows = new Map((stored?.children.get(table.fieldname) ?? []).map((row) => [String(row.name), row]))
    for (const row of doc.children.get(table.fieldname) ?? []) {
      const found = firstForbidden(restrictions, row, storedRows.get(String(row.name)))
      if (found !== undefined) throw forbiddenValue(ctx.user, child, found)
    }
  }
}

/**
 * The access a user has to one document: their roles' rights within their User Permissions, or
 * what a share gives them (which also opens the level-0 fields). Throws Frappe's PermissionError
 * when neither grants `right`.
 */
async function accessToDocument (
  ctx: ServiceContext, db: Db, byRoles: Access, right: Right, doc: { row: DocumentRow, children?: ReadonlyMap<string, readonly DocumentRow[]> }
): Promise<Access> {
  const target = owned(doc.row)
  const access = withOwnUser(byRoles, target)
  // The roles first: the common case needs no look at the shares.
  let refusal: unknown
  if (may(access, right, target)) {
    try {
      await assertUserPermissions(ctx, db, access.meta, { row: doc.row, children: doc.children ?? new Map() })
      return access
    } catch (error) {
      refusal = error
    }
    // As in Frappe, the owner of a document their User Permissions exclude keeps what if_owner rows give them.
    const asOwner = ownRightsOnly(access)
    if (may(asOwner, right, target)) return asOwner
  }
  const shared = await (await ctx.permissions.current(db)).sharedRights(db, ctx.user, access.meta, target.name)
  if (shared.has(right)) {
    return refusal === undefined ? withShare(access, right === 'write') : access
  }
  if (refusal !== undefined) throw refusal
  assertMay(access, right, target)
  return access
}

/** Whether the user holds `right` on the document, as every write and read of it would judge. */
export async function holdsDocumentRight (ctx: ServiceContext, doctype: string, name: string, right: Right): Promise<boolean> {
  try {
    await assertDocumentRight(ctx, doctype, name, right)
    return true
  } catch (error) {
    if (error instanceof PermissionError) return false
    throw error
  }
}

/** Throws unless the user holds `right` on the document, through their roles or a share. */
export async function assertDocumentRight (ctx: ServiceContext, doctype: string, name: string, right: Right): Promise<string> {
  const meta = ctx.registry.get(doctype)
  const row = await readRow(ctx.db, meta, name)
  if (row === undefined) throw notFound(meta, name)
  await accessToDocument(ctx, ctx.db, await roleAccess(ctx, ctx.db, meta), right, { row })
  return String(row.name)
}

/**
 * GET one document, with its child tables, without the fields the user may not read. Child rows
 * may be read on their own, as their parent allows.
 */
export async function getDocument (ctx: ServiceContext, doctype: string, name: string): Promise<WireDocument> {
  const meta = ctx.registry.get(doctype)
  if (meta.isTable) {
    const row = await readRow(ctx.db, meta, name)
    if (row === undefined) throw notFound(meta, name)
    const parentMeta = ctx.registry.get(String(row.parenttype))
    const parent = await readRow(ctx.db, parentMeta, String(row.parent))
    if (parent === undefined) throw notFound(parentMeta, String(row.parent))
    const access = await accessToDocument(ctx, ctx.db, await roleAccess(ctx, ctx.db, parentMeta), 'read', { row: parent })
    if (!parentMeta.tables.some((table) => table.fieldname === row.parentfield && readsField(access, table))) {
      throw new PermissionError(`The ${meta.name} rows of ${parentMeta.name} are at a permlevel ${ctx.user.name} may not read`, { errorMessage: `No permission for ${meta.name}` })
    }
    return toWireDocument(ctx.registry, meta, { row, children: new Map() }, readable(access))
  }
  const stored = await readDocument(ctx.db, ctx.registry, meta, name)
  if (stored === undefined) throw notFound(meta, name)
  const access = await accessToDocument(ctx, ctx.db, await roleAccess(ctx, ctx.db, meta), 'read', stored)
  return toWireDocument(ctx.registry, meta, stored, readable(access))
}

/**
 * The child rows of each Table field in the input. A row that names an existing row of this
 * document keeps its name, owner and creation (once: a repeated name makes a new row); the others
 * are new rows. A table the user may not write keeps its stored rows.
 */
function childRows (
  ctx: ServiceContext, doc: { meta: DocTypeMeta, row: DocumentRow }, input: DocumentInput,
  stored: ReadonlyMap<string, readonly DocumentRow[]>, canWrite: FieldFilter
): Map<string, DocumentRow[]> {
  const children = new Map<string, DocumentRow[]>()
  for (const table of doc.meta.tables) {
    if (!Object.hasOwn(input, table.fieldname) || !canWrite(table)) {
      children.set(table.fieldname, (stored.get(table.fieldname) ?? []).map((row) => ({ ...row })))
      continue
    }
    const child = ctx.registry.get(table.options)
    const previous = new Map((stored.get(table.fieldname) ?? []).map((row) => [String(row.name).toLowerCase(), row]))
    children.set(table.fieldname, inputRows(table, input[table.fieldname]).map((rowInput, index) => {
      const key = typeof rowInput.name === 'string' ? rowInput.name.toLowerCase() : ''
      const kept = previous.get(key)
      previous.delete(key)
      return {
        ...(kept === undefined ? newValues(child, rowInput, ctx.user, canWrite) : { ...columnValues(child, kept), ...inputValues(child, rowInput, canWrite) }),
        name: kept?.name ?? randomName(),
        owner: kept?.owner ?? doc.row.owner ?? ctx.user.name,
        creation: kept?.creation ?? doc.row.modified ?? null,
        modified: doc.row.modified ?? null,
        modified_by: ctx.user.name,
        docstatus: doc.row.docstatus ?? 0,
        idx: index + 1,
        parent: doc.row.name ?? null,
        parentfield: table.fieldname,
        parenttype: doc.meta.name
      }
    }))
  }
  return children
}

async function writeChildren (trx: Db, registry: MetaRegistry, doc: PendingDocument): Promise<void> {
  for (const table of doc.meta.tables) {
    const child = registry.get(table.options)
    const rows = doc.children.get(table.fieldname) ?? []
    await trx.deleteFrom(child.table)
      .where('parent', '=', String(doc.row.name))
      .where('parenttype', '=', doc.meta.name)
      .where('parentfield', '=', table.fieldname)
      .execute()
    for (const row of rows) {
      await insertRow(trx, child, { ...columnValues(child, row), parent: doc.row.name ?? null })
    }
  }
}

/** Turns a unique-key clash into Frappe's 409 (name) or 417 (unique field). */
async function translateConstraint<T> (meta: DocTypeMeta, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    const violation = constraintViolation(error)
    if (violation?.kind === 'primary-key') throw duplicateName(meta, name)
    if (violation?.kind === 'unique') {
      const label = meta.fieldsByName.get(violation.column)?.label ?? violation.column
      throw new UniqueValidationError(`${label} must be unique`)
    }
    throw error
  }
}

/**
 * Inserts a new document's row. A taken name is the 409 whichever unique key SQLite checked
 * first, as MariaDB checks the primary key first for Frappe.
 */
async function insertNewRow (trx: Db, meta: DocTypeMeta, row: DocumentRow): Promise<void> {
  try {
    await insertRow(trx, meta, columnValues(meta, row))
  } catch (error) {
    const name = String(row.name)
    if (constraintViolation(error)?.kind === 'unique' && await readRow(trx, meta, name) !== undefined) throw duplicateName(meta, name)
    throw error
  }
}

function duplicateName (meta: DocTypeMeta, name: string): DuplicateEntryError {
  return new DuplicateEntryError(`${meta.name} ${name} already exists`, {
    serverMessages: [{ message: `${meta.name} <strong>${name}</strong> already exists`, title: 'Duplicate Name', indicator: 'red' }]
  })
}

/** Validates and stores a document and its child rows, in Frappe's order of checks. */
async function validateAndWrite (ctx: ServiceContext, trx: Db, doc: PendingDocument, access: Access, write: () => Promise<unknown>): Promise<WireDocument> {
  validateMandatory(ctx.registry, doc)
  validateDataOptions(ctx.registry, doc)
  validateSelects(ctx.registry, doc)
  if (doc.meta.name === customDocPermDocType) await validateCustomDocPerm(trx, ctx.registry, doc.row)
  const name = String(doc.row.name)
  await translateConstraint(doc.meta, name, async () => {
    await write()
    await writeChildren(trx, ctx.registry, doc)
  })
  await ctx.permissions.changed(trx, doc.meta)
  const saved = await readDocument(trx, ctx.registry, doc.meta, name)
  if (saved === undefined) throw new Error(`${doc.meta.name} ${name} vanished while being saved`)
  return toWireDocument(ctx.registry, doc.meta, saved, readable(access))
}

/** POST: a new document, with its child rows, in one transaction. */
export async function insertDocument (ctx: ServiceContext, doctype: string, input: DocumentInput): Promise<WireDocument> {
  const meta = ctx.registry.get(doctype)
  assertNotSingle(meta)
  if (meta.isTable) return await insertChildRow(ctx, meta, input)
  return await inTransaction(ctx.db, async (trx) => {
    const timestamp = now()
    const access = await roleAccess(ctx, trx, meta)
    const docstatus = nextDocstatus(meta, 0, input.docstatus, true)
    const row: DocumentRow = {
      ...newValues(meta, input, ctx.user, writable(access)),
      owner: ctx.user.name,
      creation: timestamp,
      modified: timestamp,
      modified_by: ctx.user.name,
      docstatus: docstatus.value,
      idx: 0
    }
    const userPermissions = await (await ctx.permissions.current(trx)).userPermissions(trx, ctx.user)
    for (const [fieldname, value] of defaultLinkValues(userPermissions, meta)) {
      if (input[fieldname] === undefined || input[fieldname] === null) row[fieldname] = value
    }
    const doc: PendingDocument = { meta, row, children: childRows(ctx, { meta, row }, input, new Map(), writable(access)) }
    await validateLinks(trx, ctx.registry, doc)
    assertMay(access, 'create')
    await assertUserPermissions(ctx, trx, meta, doc)
    if (docstatus.right !== undefined) assertMay(access, docstatus.right, { name: '', owner: ctx.user.name })
    // A name that is taken fails the insert, after the document's own checks, as in Frappe.
    const name = await newName(trx, meta, row, input.name)
    row.name = name
    for (const rows of doc.children.values()) for (const child of rows) child.parent = name
    return await validateAndWrite(ctx, trx, doc, access, async () => { await insertNewRow(trx, meta, row) })
  })
}

/** PUT: merges the input into the stored document; a Table field sent replaces that table. */
export async function updateDocument (ctx: ServiceContext, doctype: string, name: string, input: DocumentInput): Promise<WireDocument> {
  const meta = ctx.registry.get(doctype)
  if (meta.isTable) return await updateChildRow(ctx, meta, name, input)
  return await inTransaction(ctx.db, async (trx) => {
    const stored = await readDocument(trx, ctx.registry, meta, name)
    if (stored === undefined) throw notFound(meta, name)
    const access = await accessToDocument(ctx, trx, await roleAccess(ctx, trx, meta), 'write', stored)
    const storedModified = String(stored.row.modified)
    if (input.modified !== undefined && input.modified !== null && String(input.modified) !== storedModified.replace(/\.0{6}$/, '') && String(input.modified) !== storedModified) {
      throw new TimestampMismatchError(
        `Error: ${name} (${meta.name}) has been modified after you have opened it (${storedModified}, ${String(input.modified)}). Please refresh to get the latest document.`
      )
    }
    const docstatus = nextDocstatus(meta, Number(stored.row.docstatus), input.docstatus, false)
    assertChangesAllowedAfterSubmit(ctx.registry, meta, stored, input)
    const timestamp = now()
    const row: DocumentRow = {
      ...columnValues(meta, stored.row),
      ...inputValues(meta, input, writable(access)),
      name: stored.row.name ?? name,
      owner: stored.row.owner ?? ctx.user.name,
      creation: stored.row.creation ?? timestamp,
      modified: timestamp,
      modified_by: ctx.user.name,
      docstatus: docstatus.value
    }
    const doc: PendingDocument = { meta, row, children: childRows(ctx, { meta, row }, input, stored.children, writable(access)) }
    if (docstatus.right !== undefined) await accessToDocument(ctx, trx, access, docstatus.right, stored)
    await validateLinks(trx, ctx.registry, doc)
    await assertUserPermissions(ctx, trx, meta, doc, stored)
    return await validateAndWrite(ctx, trx, doc, access, async () => {
      if (meta.isSingle) return await writeSingleRow(trx, meta, row)
      const { name: key, ...values } = columnValues(meta, row)
      await updateRow(trx, meta, String(key ?? name), values)
    })
  })
}

/** DELETE: removes a document and its child rows, unless it is submitted or linked. */
export async function deleteDocument (ctx: ServiceContext, doctype: string, name: string): Promise<void> {
  const meta = ctx.registry.get(doctype)
  assertNotSingle(meta)
  if (meta.isTable) return await deleteChildRow(ctx, meta, name)
  await inTransaction(ctx.db, async (trx) => {
    const row = await readRow(trx, meta, name)
    if (row === undefined) throw new DoesNotExistError()
    const exactName = String(row.name)
    await accessToDocument(ctx, trx, await roleAccess(ctx, trx, meta), 'delete', { row })
    assertDeletable(meta.name, exactName)
    if (Number(row.docstatus) === 1) {
      throw new ValidationError(`${meta.name} ${exactName}: Submitted Record cannot be deleted. You must Cancel it first.`)
    }
    if (await deleteShares(trx, ctx.registry, meta, exactName)) await ctx.permissions.changed(trx, ctx.registry.get(shareDocType))
    await assertNotLinked(trx, ctx.registry, meta, exactName)
    await writeChildren(trx, ctx.registry, { meta, row, children: new Map() })
    await trx.deleteFrom(meta.table).where('name', '=', exactName).execute()
    await ctx.permissions.changed(trx, meta)
  })
}

/** Where a child row lives: its parent document and the parent's Table field. */
interface ParentOfRow {
  parenttype?: unknown
  parent?: unknown
  parentfield?: unknown
}

/**
 * A child row written on its own is saved through its parent, as Frappe saves it: the parent's
 * write permission and checks apply, and `edit` returns the table's new rows, each a stored row
 * by name (`{name}` keeps it as it is) or a new one. Answers the saved parent.
 */
async function saveThroughParent (
  ctx: ServiceContext, meta: DocTypeMeta, where: ParentOfRow, edit: (rows: DocumentInput[]) => DocumentInput[]
): Promise<WireDocument> {
  const { parenttype, parent, parentfield } = where
  if (typeof parenttype !== 'string' || typeof parent !== 'string' || typeof parentfield !== 'string' || parent === '') {
    throw new ValidationError(`A ${meta.name} row needs parenttype, parent and parentfield: it is saved through its parent document`)
  }
  const parentMeta = ctx.registry.get(parenttype)
  const table = parentMeta.tables.find((field) => field.fieldname === parentfield && field.options === meta.name)
  if (table === undefined) throw new ValidationError(`${parenttype} has no table field ${parentfield} of ${meta.name} rows`)
  if (table.permlevel > 0 && !writesField(await roleAccess(ctx, ctx.db, parentMeta), table)) {
    throw new PermissionError(`${table.label} of ${parenttype} is at permlevel ${table.permlevel}, which no role of ${ctx.user.name} may write`, { errorMessage: 'Not permitted' })
  }
  return await inTransaction(ctx.db, async (trx) => {
    const stored = await readDocument(trx, ctx.registry, parentMeta, parent)
    if (stored === undefined) throw notFound(parentMeta, parent)
    const rows = (stored.children.get(parentfield) ?? []).map((row) => ({ name: row.name }))
    return await updateDocument({ ...ctx, db: trx }, parentMeta.name, parent, { [parentfield]: edit(rows) })
  })
}

function rowOf (parent: WireDocument, parentfield: string, pick: (rows: WireDocument[]) => WireDocument | undefined): WireDocument {
  const row = pick(parent[parentfield] as WireDocument[])
  if (row === undefined) throw new Error(`The saved ${String(parent.doctype)} lost a row of ${parentfield}`)
  return row
}

async function insertChildRow (ctx: ServiceContext, meta: DocTypeMeta, input: DocumentInput): Promise<WireDocument> {
  const { name: _ignored, parenttype, parent, parentfield, ...values } = input
  const saved = await saveThroughParent(ctx, meta, { parenttype, parent, parentfield }, (rows) => [...rows, values])
  return rowOf(saved, String(parentfield), (rows) => rows.at(-1))
}

async function updateChildRow (ctx: ServiceContext, meta: DocTypeMeta, name: string, input: DocumentInput): Promise<WireDocument> {
  const stored = await readRow(ctx.db, meta, name)
  if (stored === undefined) throw notFound(meta, name)
  const { name: _ignored, parenttype: _type, parent: _parent, parentfield: _field, ...values } = input
  const saved = await saveThroughParent(ctx, meta, stored, (rows) => rows.map((row) => row.name === stored.name ? { ...values, name: stored.name } : row))
  return rowOf(saved, String(stored.parentfield), (rows) => rows.find((row) => row.name === stored.name))
}

async function deleteChildRow (ctx: ServiceContext, meta: DocTypeMeta, name: string): Promise<void> {
  const stored = await readRow(ctx.db, meta, name)
  if (stored === undefined) throw new DoesNotExistError()
  await saveThroughParent(ctx, meta, stored, (rows) => rows.filter((row) => row.name !== stored.name))
}
