import formbody from '@fastify/formbody'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { JSONDecodeError, RequestEntityTooLarge, ValidationError } from '../errors.js'

/** `application/json` and any `+json` type, with or without parameters such as a charset. */
const jsonContentType = /^application\/([\w.-]+\+)?json\s*(;.*)?$/i

export function isJsonRequest (request: FastifyRequest): boolean {
  return jsonContentType.test(request.headers['content-type'] ?? '')
}

/** Frappe's reading of a JSON body: an object is the parameters, a list becomes `data`. */
function parseJsonBody (text: string): unknown {
  if (text.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    // V8's message quotes the text around the fault, which may be a password: only its place.
    const position = /position (\d+)/.exec((error as Error).message)?.[1]
    throw new JSONDecodeError(`The request body is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`)
  }
  if (Array.isArray(parsed)) return { data: parsed }
  if (typeof parsed !== 'object' || parsed === null) throw new ValidationError('Invalid request arguments')
  return parsed
}

async function readRawBody (request: FastifyRequest, limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length
    if (size > limit) throw new RequestEntityTooLarge('Request body is too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Frappe's request bodies: JSON (an empty one too: frappe-js-sdk sends `Content-Type:
 * application/json` with no body on every DELETE) and HTML form fields. Frappe also reads a JSON
 * body sent with GET, which Fastify leaves unread, so this plugin reads it.
 */
export const bodyParsersPlugin = fp(async (app: FastifyInstance) => {
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser(jsonContentType, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')))
    } catch (error) {
      done(error as Error, undefined)
    }
  })
  await app.register(formbody)
  app.addHook('preValidation', (request, _reply, done) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined
    if (request.method !== 'GET' || !hasBody || !isJsonRequest(request)) { done(); return }
    readRawBody(request, app.initialConfig.bodyLimit ?? 1024 * 1024)
      .then((text) => { request.body = parseJsonBody(text); done() })
      .catch((error: unknown) => { done(error instanceof Error ? error : new Error(String(error))) })
  })
}, { name: 'body-parsers' })
