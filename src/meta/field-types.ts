/** How a Frappe field type is stored and sent. Layout-only types hold no column. */
export type StorageKind =
  | 'varchar' | 'text' | 'int' | 'float' | 'check' | 'rating'
  | 'date' | 'datetime' | 'time' | 'json' | 'table'

const storageByFieldType: Readonly<Record<string, StorageKind | null>> = {
  Data: 'varchar',
  Link: 'varchar',
  'Dynamic Link': 'varchar',
  Select: 'varchar',
  'Read Only': 'varchar',
  Color: 'varchar',
  Icon: 'varchar',
  Phone: 'varchar',
  Autocomplete: 'varchar',
  'Small Text': 'text',
  Text: 'text',
  'Long Text': 'text',
  'Text Editor': 'text',
  'HTML Editor': 'text',
  'Markdown Editor': 'text',
  Code: 'text',
  Attach: 'text',
  'Attach Image': 'text',
  Signature: 'text',
  Barcode: 'text',
  Geolocation: 'text',
  Password: 'text',
  JSON: 'json',
  Int: 'int',
  'Long Int': 'int',
  Check: 'check',
  Float: 'float',
  Currency: 'float',
  Percent: 'float',
  Duration: 'float',
  Rating: 'rating',
  Date: 'date',
  Datetime: 'datetime',
  Time: 'time',
  Table: 'table',
  'Table MultiSelect': 'table',
  'Section Break': null,
  'Column Break': null,
  'Tab Break': null,
  HTML: null,
  Button: null,
  Heading: null,
  Image: null,
  Fold: null
}

/** The storage of a field type: null for layout-only types, undefined for an unknown one. */
export function storageOf (fieldtype: string): StorageKind | null | undefined {
  return storageByFieldType[fieldtype]
}

/** Frappe's varchar(140) default for Data-like fields. */
export const defaultVarcharLength = 140

export const numericKinds: ReadonlySet<StorageKind> = new Set(['int', 'float', 'check', 'rating'])
