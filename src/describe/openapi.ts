/**
 * The OpenAPI 3.1 document of the API, made from the DocTypes as they are loaded: a schema per
 * DocType, the list, get, create, update and delete operations of each, the methods, both auth
 * schemes and the session, and Frappe's error envelope.
 */
import type { DocTypeMeta, FieldMeta } from '../meta/doctype-meta.js'
import type { MethodDefinition } from '../routes/methods/method.js'
import { defaultVerbs } from '../routes/methods/method.js'
import { exampleDocument, type SampleNames } from './examples.js'

type Schema = Record<string, unknown>
export type OpenApiDocument = Record<string, unknown>

/** A component's key: OpenAPI allows letters, digits, ".", "-" and "_" only. */
const key = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_')

const ref = (kind: string, name: string): Schema => ({ $ref: `#/components/${kind}/${key(name)}` })

function fieldSchema (field: FieldMeta): Schema {
  const described = { title: field.label, ...(field.fieldtype === 'Link' ? { description: `The name of a ${field.options}` } : {}) }
  switch (field.storage) {
    case 'int': return { ...described, type: 'integer' }
    case 'float': case 'rating': return { ...described, type: 'number' }
    case 'check': return { ...described, type: 'integer', enum: [0, 1] }
    case 'date': return { ...described, type: ['string', 'null'], format: 'date' }
    case 'datetime': return { ...described, type: ['string', 'null'], description: 'YYYY-MM-DD HH:MM:SS.ffffff' }
    case 'time': return { ...described, type: ['string', 'null'], description: 'HH:MM:SS.ffffff' }
    case 'json': return { ...described }
    case 'table': return { ...described, type: 'array', items: ref('schemas', field.options) }
    default:
      if (field.fieldtype === 'Select') return { ...described, type: ['string', 'null'], enum: [...field.selectOptions, null] }
      if (field.fieldtype === 'Password') return { ...described, type: ['string', 'null'], format: 'password', description: 'Sent back as asterisks, never as it is' }
      return { ...described, type: ['string', 'null'], ...(field.maxLength === undefined ? {} : { maxLength: field.maxLength }) }
  }
}

/** The document as read and created; for an update (`required` false) every field may be left out. */
function docTypeSchema (meta: DocTypeMeta, required = true): Schema {
  const fields = [...meta.columns, ...meta.tables]
  return {
    type: 'object',
    title: meta.name,
    description: `${meta.isSingle ? 'Single ' : meta.isTable ? 'Child table ' : ''}DocType ${meta.name} (${meta.module || 'no module'}). Fields at a permlevel the user cannot read are left out.`,
    properties: { ...Object.fromEntries(fields.map((field) => [field.fieldname, fieldSchema(field)])), doctype: { const: meta.name } },
    required: required ? fields.filter((field) => field.reqd).map((field) => field.fieldname) : []
  }
}

/** The component key of the update body of a DocType. */
const updateKey = (name: string): string => `${key(name)}.update`

const errorSchema: Schema = {
  type: 'object',
  description: 'Frappe\'s error envelope: `_server_messages` is a JSON list of JSON texts, each a message object',
  properties: {
    exception: { type: 'string', examples: ['frappe.exceptions.PermissionError'] },
    exc_type: { type: 'string', examples: ['PermissionError'] },
    _server_messages: { type: 'string' },
    _error_message: { type: 'string' },
    reason: { type: 'string', description: 'Beyond Frappe: why a 401 was answered' },
    permission: { type: 'object', description: 'Beyond Frappe: the right needed and the roles that would grant it' }
  },
  required: ['exception', 'exc_type']
}

const errors: Readonly<Record<string, string>> = {
  400: 'The request cannot be read (malformed JSON, bad URL encoding)',
  401: 'A credential is malformed, wrong, revoked or expired, or the session expired',
  403: 'The user lacks the permission (PermissionError)',
  404: 'No such document, DocType or route (DoesNotExistError)',
  409: 'A document of that name exists (DuplicateEntryError)',
  417: 'The input is not valid (ValidationError and its kinds)',
  429: 'Too many requests or failed logins (RateLimitExceededError, TooManyRequestsError)'
}

const errorResponses = Object.fromEntries(Object.keys(errors).map((status) => [status, ref('responses', `Error${status}`)]))

const listParameters: ReadonlyArray<[string, string, Schema]> = [
  ['fields', 'JSON list of fields, such as ["name", "status"]; ["*"] for all; count(name), sum(x) ... as alias', { type: 'string' }],
  ['filters', 'JSON: {"status": "Open"} or [["status", "=", "Open"], ...], AND-ed', { type: 'string' }],
  ['or_filters', 'JSON, the same shapes, OR-ed', { type: 'string' }],
  ['order_by', '"modified desc, name asc"', { type: 'string' }],
  ['group_by', 'fields to group aggregates by', { type: 'string' }],
  ['limit_start', 'rows to skip', { type: 'integer', minimum: 0 }],
  ['limit_page_length', 'rows per page (default 20; 0 for all)', { type: 'integer', minimum: 0 }],
  ['limit', 'an alias of limit_page_length', { type: 'integer', minimum: 0 }],
  ['as_dict', 'false for rows as lists of values', { type: 'boolean' }]
]

function data (schema: Schema): Schema {
  return { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { data: schema }, required: ['data'] } } } }
}

function body (meta: DocTypeMeta, samples: SampleNames, update = false): Schema {
  return { required: true, content: { 'application/json': { schema: update ? ref('schemas', updateKey(meta.name)) : ref('schemas', meta.name), example: exampleDocument(meta, samples, '1') } } }
}

function resourcePaths (meta: DocTypeMeta, samples: SampleNames): Record<string, Schema> {
  const base = `/api/resource/${encodeURIComponent(meta.name)}`
  const tags = [meta.name]
  const one = { name: 'name', in: 'path', required: true, description: `The ${meta.name}'s name`, schema: { type: 'string' } }
  const doc = data(ref('schemas', meta.name))
  if (meta.isSingle) {
    const path = `${base}/${encodeURIComponent(meta.name)}`
    return {
      [path]: {
        get: { tags, operationId: `get ${meta.name}`, summary: `The ${meta.name} settings`, responses: { 200: doc, ...errorResponses } },
        put: { tags, operationId: `update ${meta.name}`, summary: `Change the ${meta.name} settings`, requestBody: body(meta, samples, true), responses: { 200: doc, ...errorResponses } }
      }
    }
  }
  return {
    [base]: {
      get: {
        tags,
        operationId: `list ${meta.name}`,
        summary: `List ${meta.name} documents`,
        parameters: listParameters.map(([name, description, schema]) => ({ name, in: 'query', description, schema })),
        responses: { 200: data({ type: 'array', items: ref('schemas', meta.name) }), ...errorResponses }
      },
      post: { tags, operationId: `create ${meta.name}`, summary: `Create a ${meta.name}`, requestBody: body(meta, samples), responses: { 200: doc, ...errorResponses } }
    },
    [`${base}/{name}`]: {
      parameters: [one],
      get: { tags, operationId: `get ${meta.name}`, summary: `Read a ${meta.name} with its child tables`, responses: { 200: doc, ...errorResponses } },
      put: { tags, operationId: `update ${meta.name}`, summary: `Change a ${meta.name}: the fields sent; a table sent replaces that table`, requestBody: body(meta, samples, true), responses: { 200: doc, ...errorResponses } },
      delete: {
        tags,
        operationId: `delete ${meta.name}`,
        summary: `Delete a ${meta.name}`,
        responses: { 202: { description: 'Deleted', content: { 'application/json': { schema: { type: 'object', properties: { data: { const: 'ok' } } } } } }, ...errorResponses }
      }
    }
  }
}

function methodPaths (methods: Readonly<Record<string, MethodDefinition>>): Record<string, Schema> {
  return Object.fromEntries(Object.entries(methods).map(([name, method]) => {
    const params = Object.entries(method.params ?? {})
    const operation = (verb: string): Schema => ({
      tags: ['Methods'],
      operationId: `${verb.toLowerCase()} ${name}`,
      summary: method.summary,
      ...(method.allowGuest === true ? { security: [{}, { token: [] }, { basic: [] }, { session: [] }] } : {}),
      ...(verb === 'GET'
        ? { parameters: params.map(([param, description]) => ({ name: param, in: 'query', description, schema: { type: 'string' } })) }
        : params.length === 0
          ? {}
          : { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: Object.fromEntries(params.map(([param, description]) => [param, { description }])) } } } } }),
      responses: { 200: { description: 'OK: {"message": ...}, or {} when there is nothing to say', content: { 'application/json': { schema: { type: 'object' } } } }, ...errorResponses }
    })
    const verbs = (method.verbs ?? defaultVerbs).filter((verb) => verb === 'GET' || verb === 'POST')
    return [`/api/method/${name}`, Object.fromEntries(verbs.map((verb) => [verb.toLowerCase(), operation(verb)]))]
  }))
}

const healthPaths: Record<string, Schema> = {
  '/api/health/live': { get: { tags: ['Health'], operationId: 'liveness', summary: 'The process serves', security: [{}], responses: { 200: { description: 'Alive' } } } },
  '/api/health/ready': {
    get: { tags: ['Health'], operationId: 'readiness', summary: 'The database answers and no shutdown has begun', security: [{}], responses: { 200: { description: 'Ready' }, 503: ref('responses', 'Error503') } }
  }
}

export interface OpenApiOptions {
  /** The DocTypes to describe: those the reader may use. */
  readonly metas: readonly DocTypeMeta[]
  readonly methods: Readonly<Record<string, MethodDefinition>>
  readonly samples: SampleNames
  readonly version: string
  /** Where the API is served: `/` for wherever the document was read from, or an address such as https://erp.example.com. */
  readonly serverUrl: string
}

export function openApiDocument ({ metas, methods, samples, version, serverUrl }: OpenApiOptions): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'doctype-server',
      version,
      description: 'The Frappe Framework REST API, as doctype-server serves it: every DocType at /api/resource/<DocType>, the methods at /api/method/<name>. Authenticate with `Authorization: token <api_key>:<api_secret>`, Basic, or the sid cookie from login.'
    },
    servers: [{ url: serverUrl }],
    security: [{ token: [] }, { basic: [] }, { session: [] }],
    tags: [...metas.filter((meta) => !meta.isTable).map((meta) => ({ name: meta.name })), { name: 'Methods' }, { name: 'Health' }],
    paths: {
      ...Object.assign({}, ...metas.filter((meta) => !meta.isTable).map((meta) => resourcePaths(meta, samples))),
      ...methodPaths(methods),
      ...healthPaths
    },
    components: {
      schemas: {
        ...Object.fromEntries(metas.flatMap((meta) => [[key(meta.name), docTypeSchema(meta)], ...(meta.isTable ? [] : [[updateKey(meta.name), docTypeSchema(meta, false)]])])),
        FrappeError: errorSchema
      },
      responses: Object.fromEntries([...Object.entries(errors), ['503', 'Not ready: the database does not answer, or a shutdown began']].map(([status, description]) => [
        `Error${status}`, { description, content: { 'application/json': { schema: ref('schemas', 'FrappeError') } } }
      ])),
      securitySchemes: {
        token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'token <api_key>:<api_secret> (the scheme in any letter case)' },
        basic: { type: 'http', scheme: 'basic', description: 'The API key as user name, the secret as password' },
        session: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'The session cookie that POST /api/method/login sets' }
      }
    }
  }
}
