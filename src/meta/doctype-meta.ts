import { tableName, type DocumentTableName } from '../db/tables.js'
import { rights, type DocFieldDefinition, type DocPermDefinition, type DocTypeDefinition, type Flag, type Right } from './definition.js'
import { defaultVarcharLength, storageOf, type StorageKind } from './field-types.js'

export interface FieldMeta {
  readonly fieldname: string
  readonly fieldtype: string
  readonly label: string
  readonly storage: StorageKind
  /** Link and Table: the target DocType; Dynamic Link: the field holding it; Select: the options. */
  readonly options: string
  readonly selectOptions: readonly string[]
  readonly reqd: boolean
  readonly unique: boolean
  /** search_index, or a standard filter: a field lists are filtered by. */
  readonly indexed: boolean
  readonly default: string | number | undefined
  readonly permlevel: number
  /** The longest accepted text, for varchar fields. */
  readonly maxLength: number | undefined
  readonly nonNegative: boolean
  /** May change while the document is submitted. */
  readonly allowOnSubmit: boolean
  /** A Link that user permissions do not restrict. */
  readonly ignoreUserPermissions: boolean
  /** Standard columns (name, owner, ...) are not in the definition's fields. */
  readonly standard: boolean
}

export interface PermissionRule {
  readonly role: string
  readonly permlevel: number
  readonly ifOwner: boolean
  readonly rights: ReadonlySet<Right>
}

export interface DocTypeMeta {
  readonly name: string
  readonly module: string
  /** The file the definition came from, for messages. */
  readonly source: string
  readonly table: DocumentTableName
  readonly autoname: string
  readonly isTable: boolean
  readonly isSingle: boolean
  readonly isSubmittable: boolean
  /** A tree (is_tree): the Link field to each node's parent node, Frappe's nsm_parent_field. */
  readonly treeParentField: FieldMeta | undefined
  /** The fields that hold a column, standard ones first, in definition order. */
  readonly columns: readonly FieldMeta[]
  /** The Table fields, whose rows live in the child DocType's table. */
  readonly tables: readonly FieldMeta[]
  /** Every standard, column and table field by fieldname. */
  readonly fieldsByName: ReadonlyMap<string, FieldMeta>
  readonly sortField: string
  readonly sortOrder: 'asc' | 'desc'
  /** The fields a user with only the select right may see in lists, besides `name`. */
  readonly searchFields: readonly string[]
  readonly permissions: readonly PermissionRule[]
}

function isSet (value: Flag | undefined): boolean {
  return value === 1 || value === true
}

/** Frappe's scrub: "Customer Group" becomes customer_group. */
function scrub (name: string): string {
  return name.trim().toLowerCase().replace(/[ -]+/g, '_')
}

function standardField (fieldname: string, storage: StorageKind, label: string): FieldMeta {
  return {
    fieldname,
    fieldtype: storage === 'int' ? 'Int' : storage === 'datetime' ? 'Datetime' : 'Data',
    label,
    storage,
    options: '',
    selectOptions: [],
    reqd: false,
    unique: false,
    indexed: false,
    default: undefined,
    permlevel: 0,
    maxLength: undefined,
    nonNegative: false,
    allowOnSubmit: false,
    ignoreUserPermissions: false,
    standard: true
  }
}

const standardFields: readonly FieldMeta[] = [
  standardField('name', 'varchar', 'ID'),
  standardField('owner', 'varchar', 'Created By'),
  standardField('creation', 'datetime', 'Created On'),
  standardField('modified', 'datetime', 'Last Updated On'),
  standardField('modified_by', 'varchar', 'Last Updated By'),
  standardField('docstatus', 'int', 'Document Status'),
  standardField('idx', 'int', 'Index')
]

const childFields: readonly FieldMeta[] = [
  standardField('parent', 'varchar', 'Parent'),
  standardField('parentfield', 'varchar', 'Parent Field'),
  standardField('parenttype', 'varchar', 'Parent Type')
]

/**
 * Names a definition's own fields may not take. A DocType that is not a child table may have a
 * field called `parent`, as Frappe's Custom DocPerm does.
 */
function reservedFieldnames (isTable: boolean): ReadonlySet<string> {
  return new Set((isTable ? [...standardFields, ...childFields] : standardFields).map((f) => f.fieldname).concat(['doctype']))
}

const docTypeNamePattern = /^[A-Za-z][A-Za-z0-9 _-]{0,60}$/
const fieldnamePattern = /^[a-z_][a-z0-9_]{0,63}$/i

function compileField (field: DocFieldDefinition & { fieldname: string }, storage: StorageKind): FieldMeta {
  const options = (field.options ?? '').trim()
  return {
    fieldname: field.fieldname,
    fieldtype: field.fieldtype,
    label: field.label !== undefined && field.label !== null && field.label !== '' ? field.label : field.fieldname,
    storage,
    options,
    selectOptions: field.fieldtype === 'Select' ? (field.options ?? '').split('\n').map((o) => o.trim()) : [],
    reqd: isSet(field.reqd),
    unique: isSet(field.unique),
    indexed: isSet(field.search_index) || isSet(field.in_standard_filter),
    default: field.default ?? undefined,
    permlevel: field.permlevel ?? 0,
    maxLength: storage === 'varchar' ? (field.length !== undefined && field.length > 0 ? field.length : defaultVarcharLength) : undefined,
    nonNegative: isSet(field.non_negative),
    allowOnSubmit: isSet(field.allow_on_submit),
    ignoreUserPermissions: isSet(field.ignore_user_permissions),
    standard: false
  }
}

export function compilePermission (row: DocPermDefinition): PermissionRule {
  return {
    role: row.role,
    permlevel: row.permlevel ?? 0,
    ifOwner: isSet(row.if_owner),
    rights: new Set(rights.filter((right) => isSet(row[right])))
  }
}

/**
 * Turns a schema-valid definition into the metadata the server runs on, and the list of
 * everything wrong with it (the metadata is then partial, kept only so that references to
 * other DocTypes can be checked across all of them and reported in the same list).
 */
export function compileDocType (definition: DocTypeDefinition, source: string): { meta: DocTypeMeta, problems: string[] } {
  const problems: string[] = []
  if (!docTypeNamePattern.test(definition.name)) {
    problems.push(`DocType name "${definition.name}" must start with a letter and hold only letters, digits, spaces, "_" and "-" (61 characters at most)`)
  }
  const isTable = isSet(definition.istable)
  const fieldsByName = new Map<string, FieldMeta>()
  for (const field of isTable ? [...standardFields, ...childFields] : standardFields) fieldsByName.set(field.fieldname, field)
  const columns: FieldMeta[] = [...fieldsByName.values()]
  const tables: FieldMeta[] = []
  const reserved = reservedFieldnames(isTable)

  definition.fields.forEach((field, index) => {
    const storage = storageOf(field.fieldtype)
    if (storage === undefined) {
      problems.push(`field ${field.fieldname ?? `#${index + 1}`} has an unknown fieldtype "${field.fieldtype}"`)
      return
    }
    if (storage === null) return
    const fieldname = field.fieldname ?? ''
    if (!fieldnamePattern.test(fieldname)) {
      problems.push(`field #${index + 1} (${field.fieldtype}) needs a fieldname of letters, digits and "_", not "${fieldname}"`)
      return
    }
    if (reserved.has(fieldname)) {
      problems.push(`field ${fieldname} takes the name of a standard field`)
      return
    }
    if (fieldsByName.has(fieldname)) {
      problems.push(`field ${fieldname} is defined twice`)
      return
    }
    const meta = compileField({ ...field, fieldname }, storage)
    if (['Link', 'Dynamic Link', 'Table', 'Table MultiSelect'].includes(meta.fieldtype) && meta.options === '') {
      problems.push(`${meta.fieldtype} field ${fieldname} needs options naming its target`)
    }
    fieldsByName.set(fieldname, meta)
    if (storage === 'table') tables.push(meta)
    else columns.push(meta)
  })

  for (const field of fieldsByName.values()) {
    if (field.fieldtype === 'Dynamic Link' && field.options !== '' && fieldsByName.get(field.options)?.storage !== 'varchar') {
      problems.push(`Dynamic Link field ${field.fieldname} names "${field.options}", which is not a Link or Data field of this DocType`)
    }
  }

  const autoname = (definition.autoname ?? '').trim()
  if (autoname.toLowerCase().startsWith('field:')) {
    const fieldname = autoname.slice('field:'.length).trim()
    if (!fieldsByName.has(fieldname)) problems.push(`autoname "${autoname}" names the missing field ${fieldname}`)
  }

  const treeParentField = isSet(definition.is_tree) ? fieldsByName.get((definition.nsm_parent_field ?? '').trim() || `parent_${scrub(definition.name)}`) : undefined
  if (isSet(definition.is_tree) && (treeParentField?.fieldtype !== 'Link' || treeParentField.options !== definition.name)) {
    problems.push(`a tree (is_tree) needs a Link field to ${definition.name} holding each node's parent: nsm_parent_field names it, parent_${scrub(definition.name)} by default`)
  }

  const sortField = (definition.sort_field ?? '').trim() || 'modified'
  if (fieldsByName.get(sortField) === undefined || fieldsByName.get(sortField)?.storage === 'table') {
    problems.push(`sort_field "${sortField}" is not a field of this DocType`)
  }
  const sortOrder = (definition.sort_order ?? '').trim().toLowerCase() || 'desc'
  if (sortOrder !== 'asc' && sortOrder !== 'desc') problems.push(`sort_order must be ASC or DESC, not "${definition.sort_order ?? ''}"`)

  return {
    problems,
    meta: {
      name: definition.name,
      module: definition.module ?? '',
      source,
      table: tableName(definition.name),
      autoname,
      isTable,
      isSingle: isSet(definition.issingle),
      isSubmittable: isSet(definition.is_submittable),
      treeParentField: treeParentField?.fieldtype === 'Link' ? treeParentField : undefined,
      columns,
      tables,
      fieldsByName,
      sortField,
      sortOrder: sortOrder === 'asc' ? 'asc' : 'desc',
      searchFields: (definition.search_fields ?? '').split(',').map((f) => f.trim()).filter((f) => fieldsByName.has(f)),
      permissions: (definition.permissions ?? []).map(compilePermission)
    }
  }
}
