import type { Db } from '../db/tables.js'
import { LinkExistsError } from '../errors.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import type { LinkReference, MetaRegistry } from '../meta/registry.js'
import { readSingleRow } from './single-store.js'

/** The document holding a link: the row itself, or the parent of a child row. */
async function firstLinkingDocument (
  trx: Db, reference: LinkReference, name: string, target: string
): Promise<{ doctype: string, name: string } | undefined> {
  const { meta, field } = reference
  if (meta.isSingle) {
    const row = await readSingleRow(trx, meta, meta.name)
    const holds = String(row?.[field.fieldname] ?? '').toLowerCase() === name.toLowerCase() &&
      (field.fieldtype === 'Link' || row?.[field.options] === target)
    return holds ? { doctype: meta.name, name: meta.name } : undefined
  }
  let query = trx.selectFrom(meta.table).selectAll().where(field.fieldname, '=', name)
  if (field.fieldtype === 'Dynamic Link') query = query.where(field.options, '=', target)
  if (!meta.isTable && meta.name === target) query = query.where('name', '!=', name)
  const row = await query.limit(1).executeTakeFirst()
  if (row === undefined) return undefined
  return meta.isTable
    ? { doctype: String(row.parenttype), name: String(row.parent) }
    : { doctype: meta.name, name: String(row.name) }
}

/**
 * Frappe refuses to delete a document that another one links to, so that no Link is left
 * pointing at nothing. A document's links to itself do not count.
 */
export async function assertNotLinked (trx: Db, registry: MetaRegistry, meta: DocTypeMeta, name: string): Promise<void> {
  for (const reference of [...registry.linksTo(meta.name), ...registry.dynamicLinks()]) {
    const linking = await firstLinkingDocument(trx, reference, name, meta.name)
    if (linking === undefined) continue
    throw new LinkExistsError(
      `Cannot delete or cancel because ${meta.name} <strong>${name}</strong> is linked with ${linking.doctype} <strong>${linking.name}</strong>`
    )
  }
}
