import type { Db } from '../../db/tables.js'
import { inTransaction } from '../../db/transactions.js'
import { ValidationError } from '../../errors.js'
import { assertDocumentRight, deleteDocument, insertDocument, updateDocument } from '../../services/documents.js'
import { flagParam } from '../../services/request-params.js'
import { shareDocType } from '../../services/shares.js'
import { asAdministrator } from '../../services/user-admin.js'
import type { MethodCall, MethodDefinition } from './method.js'

interface ShareTarget {
  doctype: string
  name: string
  user: string | null
  everyone: 0 | 1
}

/** The document and the user a share call names; the caller must hold `share` on the document. */
async function shareTarget ({ ctx, params }: MethodCall): Promise<ShareTarget> {
  const { doctype, name, user } = params
  if (typeof doctype !== 'string' || typeof name !== 'string') throw new ValidationError('doctype and name must name the document to share')
  const everyone = flagParam('everyone', params.everyone, false)
  if (!everyone && (typeof user !== 'string' || user === '')) throw new ValidationError('user must name who to share with, or everyone must be 1')
  const meta = ctx.registry.get(doctype)
  if (meta.isTable) throw new ValidationError(`${meta.name} rows are shared with their parent document`)
  const exactName = await assertDocumentRight(ctx, doctype, name, 'share')
  return { doctype: meta.name, name: exactName, user: everyone ? null : String(user), everyone: everyone ? 1 : 0 }
}

async function existingShare (db: Db, target: ShareTarget): Promise<string | undefined> {
  let query = db.selectFrom(`tab${shareDocType}`).select('name')
    .where('share_doctype', '=', target.doctype).where('share_name', '=', target.name).where('everyone', '=', target.everyone)
  if (target.user !== null) query = query.where('user', '=', target.user)
  const row = await query.executeTakeFirst()
  return row === undefined ? undefined : String(row.name)
}

/** Frappe's frappe.share: give a user (or everyone) rights on one document, or take them back. */
export const shareMethods: Record<string, MethodDefinition> = {
  'frappe.share.add': {
    summary: 'Share a document with a user or everyone',
    params: { doctype: 'DocType', name: 'document name', user: 'user id', everyone: '1 to share with every user', read: '0 or 1', write: '0 or 1', share: '0 or 1', submit: '0 or 1' },
    verbs: ['POST', 'PUT'],
    run: async (call) => {
      const target = await shareTarget(call)
      const [write, share, submit] = (['write', 'share', 'submit'] as const).map((right) => flagParam(right, call.params[right], false) ? 1 : 0)
      if (submit === 1 && !call.ctx.registry.get(target.doctype).isSubmittable) throw new ValidationError(`${target.doctype} is not submittable: nothing to share submit on`)
      // As in Frappe, any right shared includes reading the document.
      const read = flagParam('read', call.params.read, true) || write === 1 || share === 1 || submit === 1 ? 1 : 0
      const values = { share_doctype: target.doctype, share_name: target.name, user: target.user, everyone: target.everyone, read, write, share, submit }
      return await inTransaction(call.app.db, async (trx) => {
        const admin = asAdministrator({ ...call.ctx, db: trx })
        const existing = await existingShare(trx, target)
        return { message: existing === undefined ? await insertDocument(admin, shareDocType, values) : await updateDocument(admin, shareDocType, existing, values) }
      })
    }
  },
  'frappe.share.remove': {
    summary: 'Take a share back',
    params: { doctype: 'DocType', name: 'document name', user: 'user id', everyone: '1 for the share with everyone' },
    verbs: ['POST', 'PUT', 'DELETE'],
    run: async (call) => {
      const existing = await existingShare(call.app.db, await shareTarget(call))
      if (existing !== undefined) await deleteDocument(asAdministrator(call.ctx), shareDocType, existing)
      return {}
    }
  }
}
