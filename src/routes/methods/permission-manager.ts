import { ValidationError } from '../../errors.js'
import { rightParam } from '../../services/document-permissions.js'
import { addRule, permissionRows, removeRule, resetRules, updateRule, type RuleKey } from '../../services/permission-manager.js'
import { countParam, flagParam } from '../../services/request-params.js'
import type { FormDict } from '../form-dict.js'
import type { MethodDefinition } from './method.js'

const prefix = 'frappe.core.page.permission_manager.permission_manager'

function text (params: FormDict, key: string): string {
  const value = params[key]
  if (typeof value !== 'string' || value === '') throw new ValidationError(`${key} is required`)
  return value
}

/** The row a call names; `add` calls the DocType `parent`, the others `doctype`. */
function ruleKey (params: FormDict, doctypeKey: 'doctype' | 'parent'): RuleKey {
  return {
    doctype: text(params, doctypeKey),
    role: text(params, 'role'),
    permlevel: countParam('permlevel', params.permlevel, 0),
    ifOwner: flagParam('if_owner', params.if_owner, false)
  }
}

/** Frappe's Role Permission Manager calls, which edit a DocType's rows through Custom DocPerm. */
export const permissionManagerMethods: Record<string, MethodDefinition> = {
  [`${prefix}.get_permissions`]: {
    run: async ({ ctx, params }) => ({
      message: await permissionRows(ctx, text(params, 'doctype'), typeof params.role === 'string' && params.role !== '' ? params.role : undefined)
    })
  },
  [`${prefix}.add`]: {
    run: async ({ ctx, params }) => { await addRule(ctx, ruleKey(params, 'parent')); return {} }
  },
  [`${prefix}.update`]: {
    run: async ({ ctx, params }) => {
      const refresh = await updateRule(ctx, ruleKey(params, 'doctype'), { [rightParam(params.ptype, 'read')]: flagParam('value', params.value, false) })
      return refresh === null ? {} : { message: refresh }
    }
  },
  [`${prefix}.remove`]: {
    run: async ({ ctx, params }) => { await removeRule(ctx, ruleKey(params, 'doctype')); return {} }
  },
  [`${prefix}.reset`]: {
    run: async ({ ctx, params }) => { await resetRules(ctx, text(params, 'doctype')); return {} }
  }
}
