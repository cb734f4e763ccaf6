import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sampleNames, type SampleNames } from '../describe/examples.js'
import { describedDocTypes } from '../describe/visible-doctypes.js'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import { openApiDocument, type OpenApiDocument } from '../describe/openapi.js'
import { postmanCollection } from '../describe/postman.js'
import { serverVersion } from '../paths.js'
import { methods } from './api/method.js'

/** What a description for whoever asks is made from: the DocTypes now loaded that they may use, and examples they may see. */
async function describing (app: FastifyInstance, request: FastifyRequest): Promise<{ metas: DocTypeMeta[], samples: SampleNames }> {
  const ctx = { db: app.db, registry: app.registry, permissions: app.permissions, user: request.user }
  return { metas: await describedDocTypes(ctx), samples: await sampleNames(ctx) }
}

/** The OpenAPI document says `/`: wherever it was read from, behind any proxy. */
async function describeFor (app: FastifyInstance, request: FastifyRequest): Promise<OpenApiDocument> {
  return openApiDocument({ ...await describing(app, request), methods, version: serverVersion, serverUrl: '/' })
}

/** Postman needs an address to start from; the request's own, which the base_url variable changes. */
function origin (request: FastifyRequest, app: FastifyInstance): string {
  return request.host === undefined || request.host === '' ? `http://127.0.0.1:${app.config.port}` : `${request.protocol}://${request.host}`
}

/**
 * Beyond Frappe, the API describes itself: `/api/openapi.json` (OpenAPI 3.1), Swagger UI at
 * `/api/docs` and a Postman collection at `/api/postman.json`, all made from the DocTypes at each
 * request.
 */
export async function describeRoutes (app: FastifyInstance): Promise<void> {
  app.get('/api/openapi.json', async (request) => await describeFor(app, request))
  app.get('/api/postman.json', async (request) => postmanCollection({ ...await describing(app, request), serverUrl: origin(request, app) }))

  await app.register(swagger, { mode: 'static', specification: { document: { openapi: '3.1.0', info: { title: 'doctype-server', version: serverVersion }, paths: {} } } })
  // Swagger UI asks for the document at /api/docs/json; it is made in a hook, as the transform cannot wait.
  const prepared = new WeakMap<FastifyRequest, OpenApiDocument>()
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // The page is served over plain http too: browsers must not be told to fetch its scripts over https.
    transformStaticCSP: (header) => header.replace(/;?\s*upgrade-insecure-requests/, ''),
    uiHooks: {
      preHandler: async (request) => {
        if (/\/(json|yaml)$/.test(request.url.split('?')[0] ?? '')) prepared.set(request, await describeFor(app, request))
      }
    },
    transformSpecification: (specification, request) => prepared.get(request) ?? specification,
    transformSpecificationClone: false
  })
}
