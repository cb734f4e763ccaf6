import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import {
  BadRequest, DoesNotExistError, FrappeError, InternalServerError, PermissionError, RequestEntityTooLarge,
  TooManyRequestsError, UnsupportedMediaType, ValidationError
} from '../errors.js'
import { authFailure } from '../services/auth/failures.js'
import { pythonJsonDumps } from './python-json.js'

function isFastifyError (error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as FastifyError).code === 'string' && (error as FastifyError).code.startsWith('FST_')
}

/** Fastify's own errors (body parsing, URLs, limits) as the Frappe exception of the same status. */
function fromFastify (error: FastifyError): FrappeError {
  if (error.validation !== undefined) return new ValidationError(error.message)
  switch (error.statusCode) {
    case 404: return new DoesNotExistError(error.message)
    case 413: return new RequestEntityTooLarge(error.message)
    case 415: return new UnsupportedMediaType(error.message)
    case 429: return new TooManyRequestsError(error.message)
    default: return error.statusCode !== undefined && error.statusCode < 500 ? new BadRequest(error.message) : new InternalServerError()
  }
}

/** Any thrown value as a Frappe exception; unexpected ones become a 500 that reveals nothing. */
export function toFrappeError (error: unknown): FrappeError {
  if (error instanceof FrappeError) return error
  if (isFastifyError(error)) return fromFastify(error)
  return new InternalServerError()
}

/** Frappe's v1 error body: keys in the order Frappe writes them, no traceback ever. */
export function errorBody (error: FrappeError): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  const plain = error.message.replace(/<\/?(strong|b|em|i|a|p|span|br)\b[^>]*>/gi, '')
  if (error.statusCode !== 404) body.exception = `frappe.exceptions.${error.excType}${plain === '' ? '' : `: ${plain}`}`
  body.exc_type = error.excType
  if (error.serverMessages.length > 0) {
    body._server_messages = pythonJsonDumps(error.serverMessages.map((message) => pythonJsonDumps(message)))
  }
  if (error.errorMessage !== undefined) body._error_message = error.errorMessage
  return { ...body, ...error.details }
}

/**
 * A request whose session expired runs as Guest, as in Frappe; when Guest is then refused, the
 * refusal says what really happened: a 401 asking to log in again, rather than a bare 403.
 */
function explainExpiredSession (error: FrappeError, request: FastifyRequest): FrappeError {
  if (!request.sessionExpired || !(error instanceof PermissionError) || request.user?.isGuest !== true) return error
  return authFailure('session_expired', 'Your session has expired: log in again')
}

/** Renders any error as Frappe's error envelope with its status. */
export async function sendError (error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const frappeError = explainExpiredSession(toFrappeError(error), request)
  if (frappeError instanceof InternalServerError) request.log.error({ err: error }, 'request failed')
  const body = errorBody(frappeError)
  if (request.sessionExpired) body.session_expired = 1
  return await reply.code(frappeError.statusCode).headers(frappeError.headers).send(body)
}

/** The one place where errors become responses, Fastify's own and unknown routes included. */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(sendError)
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    return await sendError(new DoesNotExistError(`No API route matches ${request.method} ${path}`), request, reply)
  })
}, { name: 'error-handler' })
