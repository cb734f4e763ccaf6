import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServiceContext } from '../../services/context.js'
import { deleteDocument, getDocument, insertDocument, updateDocument } from '../../services/documents.js'
import { listDocuments } from '../../services/list-documents.js'
import { documentInput, formDict } from '../form-dict.js'

interface DocTypeParams { doctype: string }
/** The name is the rest of the path: names may hold slashes. */
interface DocumentParams { doctype: string, '*': string }

/** `/api/resource`: Frappe's REST routes for documents. Each only translates HTTP to a service call. */
export async function resourceRoutes (app: FastifyInstance): Promise<void> {
  const context = (request: FastifyRequest): ServiceContext => ({ db: app.db, registry: app.registry, permissions: app.permissions, user: request.user })

  app.get<{ Params: DocTypeParams }>('/:doctype', async (request) => {
    return { data: await listDocuments(context(request), request.params.doctype, formDict(request)) }
  })

  app.post<{ Params: DocTypeParams }>('/:doctype', async (request) => {
    return { data: await insertDocument(context(request), request.params.doctype, documentInput(formDict(request))) }
  })

  app.get<{ Params: DocumentParams }>('/:doctype/*', async (request) => {
    return { data: await getDocument(context(request), request.params.doctype, request.params['*']) }
  })

  app.put<{ Params: DocumentParams }>('/:doctype/*', async (request) => {
    return { data: await updateDocument(context(request), request.params.doctype, request.params['*'], documentInput(formDict(request))) }
  })

  app.delete<{ Params: DocumentParams }>('/:doctype/*', async (request, reply) => {
    await deleteDocument(context(request), request.params.doctype, request.params['*'])
    return await reply.code(202).send({ data: 'ok' })
  })
}
