import type { DocTypeMeta } from '../meta/doctype-meta.js'
import type { ServiceContext } from '../services/context.js'
import { hasOwnUserRule } from '../services/permissions.js'

/**
 * The DocTypes a description shows its reader: those their roles give any right on (as Frappe
 * shows a DocType's definition only to who may use it), with the child tables they hold.
 */
export async function describedDocTypes (ctx: ServiceContext): Promise<DocTypeMeta[]> {
  const snapshot = await ctx.permissions.current(ctx.db)
  const shown = ctx.registry.all().filter((meta) => {
    if (meta.isTable) return false
    const access = snapshot.access(ctx.user, meta)
    return access.rights.size > 0 || access.ownRights.size > 0 || hasOwnUserRule(access)
  })
  const tables = shown.flatMap((meta) => meta.tables.map((table) => ctx.registry.get(table.options)))
  return [...new Set([...shown, ...tables])].sort((a, b) => a.name.localeCompare(b.name))
}
