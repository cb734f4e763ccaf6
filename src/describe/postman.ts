import type { DocTypeMeta } from '../meta/doctype-meta.js'
import { editableField, exampleDocument, type SampleNames } from './examples.js'

/**
 * A Postman v2.1 collection made from the DocTypes: the variables base_url, api_key and api_secret,
 * the Authorization header set once for the whole collection, and a folder per DocType whose
 * requests list, create, read, update and delete, in an order that runs as it stands: the create
 * request keeps the new document's name for the ones after it.
 */

interface PostmanUrl {
  raw: string
  host: string[]
  path: string[]
  query?: Array<{ key: string, value: string }>
}

interface PostmanRequest {
  method: string
  header: Array<{ key: string, value: string }>
  url: PostmanUrl
  body?: { mode: 'raw', raw: string, options: { raw: { language: 'json' } } }
  description?: string
}

interface PostmanItem {
  name: string
  request: PostmanRequest
  event?: PostmanEvent[]
}

interface PostmanEvent {
  listen: 'test' | 'prerequest'
  script: { type: 'text/javascript', exec: string[] }
}

export interface PostmanCollection {
  info: { name: string, description: string, schema: string }
  variable: Array<{ key: string, value: string, description?: string }>
  auth: { type: 'apikey', apikey: Array<{ key: string, value: string, type: 'string' }> }
  event: PostmanEvent[]
  item: Array<{ name: string, description: string, item: PostmanItem[] }>
}

function url (segments: readonly string[], query: ReadonlyArray<[string, string]> = []): PostmanUrl {
  const path = ['api', 'resource', ...segments]
  const search = query.map(([key, value]) => `${key}=${value}`).join('&')
  return {
    raw: `{{base_url}}/${path.join('/')}${search === '' ? '' : `?${search}`}`,
    host: ['{{base_url}}'],
    path,
    ...(query.length === 0 ? {} : { query: query.map(([key, value]) => ({ key, value })) })
  }
}

function jsonBody (value: unknown): Pick<PostmanRequest, 'body' | 'header'> {
  return { header: [{ key: 'Content-Type', value: 'application/json' }], body: { mode: 'raw', raw: JSON.stringify(value, null, 2), options: { raw: { language: 'json' } } } }
}

/** The collection variable holding the name of the document the folder works on, URL-encoded. */
function nameVariable (meta: DocTypeMeta): string {
  return `${meta.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_name`
}

function folder (meta: DocTypeMeta, samples: SampleNames): PostmanCollection['item'][number] {
  const doctype = encodeURIComponent(meta.name)
  const editable = editableField(meta)
  const update = jsonBody(editable === undefined ? {} : { [editable.fieldname]: 'Changed from Postman {{$randomUUID}}' })
  if (meta.isSingle) {
    return {
      name: meta.name,
      description: `The one ${meta.name} document (a Single DocType)`,
      item: [
        { name: `Get ${meta.name}`, request: { method: 'GET', header: [], url: url([doctype, doctype]) } },
        { name: `Update ${meta.name}`, request: { method: 'PUT', ...update, url: url([doctype, doctype]) } }
      ]
    }
  }
  const variable = `{{${nameVariable(meta)}}}`
  // The name is kept only when the create succeeded, and the requests after it run only with one:
  // they never work on a document the collection did not make.
  const keepName = [
    `if (pm.response.code === 200) pm.collectionVariables.set('${nameVariable(meta)}', encodeURIComponent(pm.response.json().data.name))`,
    `else pm.collectionVariables.unset('${nameVariable(meta)}')`
  ]
  const needsName: PostmanEvent[] = [{ listen: 'prerequest', script: { type: 'text/javascript', exec: [`if (!pm.collectionVariables.get('${nameVariable(meta)}')) pm.execution.skipRequest()`] } }]
  return {
    name: meta.name,
    description: `Documents of ${meta.name}${meta.module === '' ? '' : ` (${meta.module})`}`,
    item: [
      {
        name: `List ${meta.name}`,
        request: { method: 'GET', header: [], url: url([doctype], [['fields', encodeURIComponent('["name"]')], ['limit_page_length', '20']]), description: 'Query parameters: fields, filters, or_filters, order_by, group_by, limit_start, limit_page_length, as_dict' }
      },
      {
        name: `Create ${meta.name}`,
        request: { method: 'POST', ...jsonBody(exampleDocument(meta, samples, '{{$randomUUID}}')), url: url([doctype]) },
        event: [{ listen: 'test', script: { type: 'text/javascript', exec: keepName } }]
      },
      { name: `Get ${meta.name}`, request: { method: 'GET', header: [], url: url([doctype, variable]) }, event: needsName },
      { name: `Update ${meta.name}`, request: { method: 'PUT', ...update, url: url([doctype, variable]) }, event: needsName },
      { name: `Delete ${meta.name}`, request: { method: 'DELETE', header: [], url: url([doctype, variable]) }, event: needsName }
    ]
  }
}

export interface PostmanOptions {
  /** The DocTypes to cover: those the reader may use. */
  readonly metas: readonly DocTypeMeta[]
  readonly samples: SampleNames
  /** Where the API is served, such as http://127.0.0.1:8000. */
  readonly serverUrl: string
}

export function postmanCollection ({ metas: described, samples, serverUrl }: PostmanOptions): PostmanCollection {
  const metas = described.filter((meta) => !meta.isTable)
  return {
    info: {
      name: 'doctype-server',
      description: 'The Frappe REST API as doctype-server serves it. Set api_key and api_secret (doctype-server keys create <user>), and base_url if the server is elsewhere.',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'
    },
    variable: [
      { key: 'base_url', value: serverUrl, description: 'Where the server answers' },
      { key: 'api_key', value: '', description: 'Your API key' },
      { key: 'api_secret', value: '', description: 'Your API secret' },
      ...metas.filter((meta) => !meta.isSingle).map((meta) => ({ key: nameVariable(meta), value: '', description: `The ${meta.name} made by its Create request, which the Get, Update and Delete requests work on` }))
    ],
    auth: {
      type: 'apikey',
      apikey: [
        { key: 'key', value: 'Authorization', type: 'string' },
        { key: 'value', value: 'token {{api_key}}:{{api_secret}}', type: 'string' },
        { key: 'in', value: 'header', type: 'string' }
      ]
    },
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: ['pm.test(\'answers with success\', function () { pm.expect(pm.response.code).to.be.within(200, 299) })'] } }],
    item: metas.map((meta) => folder(meta, samples))
  }
}
