import { ValidationError } from '../../errors.js'
import type { RuleKey } from '../../services/custom-docperms.js'
import { rightParam } from '../../services/document-permissions.js'
import { addRule, permissionRows, removeRule, resetRules, updateRule } from '../../services/permission-manager.js'
import { countParam, flagParam } from '../../services/request-params.js'
import type { FormDict } from '../form-dict.js'
import type { MethodDefinition } from './method.js'

const prefix = 'frappe.core.page.permission_manager.permission_manager'

function text (params: FormDict, key: string): string {
  const value = params[key]
  if (typeof value !== 'string' || value === '') throw new ValidationError(`${key} is required`)
  return value
}

function optionalText (params: FormDict, key: string): string | undefined {
  return params[key] === undefined || params[key] === null || params[key] === '' ? undefined : text(params, key)
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

/** Frappe's Role Permission Manager calls, which edit a DocType's rows through Custom DocPerm; changes need POST. */
export const permissionManagerMethods: Record<string, MethodDefinition> = {
  [`${prefix}.get_permissions`]: {
    summary: 'System Manager: the permission rows in force of a DocType, or of a role everywhere',
    params: { doctype: 'DocType', role: 'role' },
    run: async ({ ctx, params }) => ({ message: await permissionRows(ctx, optionalText(params, 'doctype'), optionalText(params, 'role')) })
  },
  [`${prefix}.add`]: {
    summary: 'System Manager: a permission row for a role at a level',
    params: { parent: 'DocType', role: 'role', permlevel: 'level, 0 to 9' },
    verbs: ['POST', 'PUT'],
    run: async ({ ctx, params }) => { await addRule(ctx, ruleKey(params, 'parent')); return {} }
  },
  [`${prefix}.update`]: {
    summary: 'System Manager: set one right (or if_owner) on a role\'s row',
    params: { doctype: 'DocType', role: 'role', permlevel: 'level', if_owner: '0 or 1: which row', ptype: 'the right, or if_owner', value: '0 or 1' },
    verbs: ['POST', 'PUT'],
    run: async ({ ctx, params }) => {
      const changed = params.ptype === 'if_owner' ? 'if_owner' : rightParam(params.ptype, 'read')
      const refresh = await updateRule(ctx, ruleKey(params, 'doctype'), { [changed]: flagParam('value', params.value, false) })
      return refresh === null ? {} : { message: refresh }
    }
  },
  [`${prefix}.remove`]: {
    summary: 'System Manager: delete a role\'s row at a level',
    params: { doctype: 'DocType', role: 'role', permlevel: 'level', if_owner: '0 or 1: which row' },
    verbs: ['POST', 'PUT', 'DELETE'],
    run: async ({ ctx, params }) => { await removeRule(ctx, ruleKey(params, 'doctype')); return {} }
  },
  [`${prefix}.reset`]: {
    summary: 'System Manager: back to the DocType\'s shipped rows',
    params: { doctype: 'DocType' },
    verbs: ['POST', 'PUT'],
    run: async ({ ctx, params }) => { await resetRules(ctx, text(params, 'doctype')); return {} }
  }
}
