/**
 * A DocType definition in Frappe's own JSON format (the `<doctype>.json` that Frappe apps ship).
 * Only the keys this server uses are typed; every other key of the format is accepted and ignored.
 */
export type Flag = 0 | 1 | boolean

export interface DocFieldDefinition {
  fieldname?: string
  fieldtype: string
  label?: string
  options?: string
  reqd?: Flag
  unique?: Flag
  default?: string | number
  permlevel?: number
  length?: number
  read_only?: Flag
  hidden?: Flag
  search_index?: Flag
  in_list_view?: Flag
  in_standard_filter?: Flag
  ignore_user_permissions?: Flag
  non_negative?: Flag
  allow_on_submit?: Flag
  description?: string
}

export const rights = [
  'select', 'read', 'write', 'create', 'delete', 'submit', 'cancel', 'amend',
  'report', 'export', 'import', 'share', 'print', 'email'
] as const

export type Right = typeof rights[number]

export type DocPermDefinition = {
  role: string
  permlevel?: number
  if_owner?: Flag
} & Partial<Record<Right, Flag>>

export interface DocTypeDefinition {
  doctype: 'DocType'
  name: string
  module?: string
  autoname?: string
  istable?: Flag
  issingle?: Flag
  is_submittable?: Flag
  is_tree?: Flag
  nsm_parent_field?: string
  sort_field?: string
  sort_order?: string
  search_fields?: string
  title_field?: string
  fields: DocFieldDefinition[]
  permissions?: DocPermDefinition[]
}

const flag = { anyOf: [{ type: 'integer', enum: [0, 1] }, { type: 'boolean' }] }
const optionalText = { type: ['string', 'null'] }

/** JSON Schema of the keys above; the meaning of the values is checked by compileDocType. */
export const docTypeDefinitionSchema = {
  type: 'object',
  required: ['doctype', 'name', 'fields'],
  properties: {
    doctype: { const: 'DocType' },
    name: { type: 'string', minLength: 1 },
    module: optionalText,
    autoname: optionalText,
    istable: flag,
    issingle: flag,
    is_submittable: flag,
    is_tree: flag,
    nsm_parent_field: optionalText,
    sort_field: optionalText,
    sort_order: optionalText,
    search_fields: optionalText,
    title_field: optionalText,
    fields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fieldtype'],
        properties: {
          fieldname: optionalText,
          fieldtype: { type: 'string' },
          label: optionalText,
          options: optionalText,
          reqd: flag,
          unique: flag,
          default: { type: ['string', 'number', 'null'] },
          permlevel: { type: 'integer', minimum: 0, maximum: 9 },
          length: { type: 'integer', minimum: 0 },
          read_only: flag,
          hidden: flag,
          search_index: flag,
          ignore_user_permissions: flag,
          non_negative: flag,
          allow_on_submit: flag
        }
      }
    },
    permissions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { type: 'string', minLength: 1 },
          permlevel: { type: 'integer', minimum: 0, maximum: 9 },
          if_owner: flag
        }
      }
    }
  }
} as const
