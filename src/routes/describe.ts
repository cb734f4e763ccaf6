import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sampleNames, type SampleNames } from '../describe/examples.js'
import { openApiDocument, type OpenApiDocument } from '../describe/openapi.js'
import { postmanCollection } from '../describe/postman.js'
import { serverVersion } from '../paths.js'
import { methods } from './api/method.js'

/** What a description for whoever asks is made from: the DocTypes now loaded, examples they may see, the server's address. */
async function describing (app: FastifyInstance, request: FastifyRequest): Promise<{ registry: FastifyInstance['registry'], samples: SampleNames, serverUrl: string }> {
  const ctx = { db: app.db, registry: app.registry, permissions: app.permissions, user: request.user }
  return { registry: app.registry, samples: await sampleNames(ctx), serverUrl: `${request.protocol}://${request.host}` }
}

async function describeFor (app: FastifyInstance, request: FastifyRequest): Promise<OpenApiDocument> {
  return openApiDocument({ ...await describing(app, request), methods, version: serverVersion })
}

/**
 * Beyond Frappe, the API describes itself: `/api/openapi.json` (OpenAPI 3.1), Swagger UI at
 * `/api/docs` and a Postman collection at `/api/postman.json`, all made from the DocTypes at each
 * request.
 */
export async function describeRoutes (app: FastifyInstance): Promise<void> {
  app.get('/api/openapi.json', async (request) => await describeFor(app, request))
  app.get('/api/postman.json', async (request) => postmanCollection(await describing(app, request)))

  await app.register(swagger, { mode: 'static', specification: { document: { openapi: '3.1.0', info: { title: 'doctype-server', version: serverVersion }, paths: {} } } })
  // Swagger UI asks for the document at /api/docs/json; it is made in a hook, as the transform cannot wait.
  const prepared = new WeakMap<FastifyRequest, OpenApiDocument>()
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { persistAuthorization: true },
    staticCSP: true,
    uiHooks: {
      preHandler: async (request) => {
        if (/\/json$/.test(request.url.split('?')[0] ?? '')) prepared.set(request, await describeFor(app, request))
      }
    },
    transformSpecification: (specification, request) => prepared.get(request) ?? specification,
    transformSpecificationClone: false
  })
}
