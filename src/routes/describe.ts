import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sampleNames } from '../describe/examples.js'
import { openApiDocument, type OpenApiDocument } from '../describe/openapi.js'
import { serverVersion } from '../paths.js'
import { methods } from './api/method.js'

/** The OpenAPI document for whoever asks: made from the DocTypes now loaded, with examples they may see. */
async function describeFor (app: FastifyInstance, request: FastifyRequest): Promise<OpenApiDocument> {
  const ctx = { db: app.db, registry: app.registry, permissions: app.permissions, user: request.user }
  return openApiDocument({ registry: app.registry, methods, samples: await sampleNames(ctx), version: serverVersion, serverUrl: `${request.protocol}://${request.host}` })
}

/**
 * Beyond Frappe, the API describes itself: `/api/openapi.json` (OpenAPI 3.1) and Swagger UI at
 * `/api/docs`, both made from the DocTypes at each request.
 */
export async function describeRoutes (app: FastifyInstance): Promise<void> {
  app.get('/api/openapi.json', async (request) => await describeFor(app, request))

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
