import { DoesNotExistError, ValidationError } from '../errors.js'
import { rights, type Right } from '../meta/definition.js'
import type { ServiceContext } from './context.js'
import { readRow } from './document-store.js'
import type { Access, OwnedDocument } from './permissions.js'
import type { RequestUser } from './users.js'

/** A permission question about a DocType, or about one of its documents (a child row's parent). */
export interface PermissionSubject {
  readonly access: Access
  readonly doc: OwnedDocument | undefined
}

export async function permissionSubject (ctx: ServiceContext, user: RequestUser, doctype: unknown, docname: unknown): Promise<PermissionSubject> {
  if (typeof doctype !== 'string' || doctype === '') throw new ValidationError('doctype must name a DocType')
  if (docname !== undefined && docname !== null && typeof docname !== 'string') throw new ValidationError('docname must be a document name')
  let meta = ctx.registry.get(doctype)
  const permissions = await ctx.permissions.current(ctx.db)
  if (docname === undefined || docname === null || docname === '') return { access: permissions.access(user, meta), doc: undefined }
  let row = await readRow(ctx.db, meta, docname)
  if (row === undefined) throw new DoesNotExistError(`${meta.name} ${docname} not found`)
  if (meta.isTable) {
    meta = ctx.registry.get(String(row.parenttype))
    row = await readRow(ctx.db, meta, String(row.parent))
    if (row === undefined) throw new DoesNotExistError(`The parent of ${doctype} ${docname} is gone`)
  }
  return { access: permissions.access(user, meta), doc: { name: String(row.name), owner: String(row.owner ?? '') } }
}

/** A right named by a client, such as Frappe's `perm_type`. */
export function rightParam (value: unknown, fallback: Right): Right {
  if (value === undefined || value === null || value === '') return fallback
  const right = rights.find((r) => r === value)
  if (right === undefined) throw new ValidationError(`perm_type must be one of ${rights.join(', ')}`)
  return right
}
