import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { RequestUser } from '../services/users.js'

/** The DocType a request is about, when its route names one. */
function doctypeOf (request: FastifyRequest): string | undefined {
  const params = request.params as { doctype?: unknown } | undefined
  return typeof params?.doctype === 'string' ? params.doctype : undefined
}

/**
 * Fastify's request log lines, made into one line per request once it is answered, with what an
 * operator looks for: the request, its id, the user, the DocType, the status and the time taken.
 * The line as a request arrives is kept for the debug level.
 */
export class RequestLog extends LogController {
  override incomingRequest (request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const doctype = doctypeOf(request)
    const line = {
      req: request,
      // A request refused before authentication finished has no user.
      user: (request.user as RequestUser | null)?.name,
      ...(doctype === undefined ? {} : { doctype }),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100
    }
    if (error === null || error === undefined) reply.log.info(line, 'request completed')
    else reply.log.error({ ...line, err: error }, 'request errored')
  }
}

/** A request's id: the incoming X-Request-Id when it is a sane token, else a new UUID, unique across processes. */
export function requestId (request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID()
}

/** Every answer carries its request id. */
export const requestIdPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', (request, reply, done) => { reply.header('x-request-id', request.id); done() })
}, { name: 'request-id' })
