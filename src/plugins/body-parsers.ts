import formbody from '@fastify/formbody'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { JSONDecodeError, ValidationError } from '../errors.js'

/**
 * Frappe's request bodies: JSON (an empty one too: frappe-js-sdk sends `Content-Type:
 * application/json` with no body on every DELETE) and HTML form fields.
 */
export const bodyParsersPlugin = fp(async (app: FastifyInstance) => {
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser(/^application\/([\w.-]+\+)?json$/i, { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') { done(null, undefined); return }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      done(new JSONDecodeError(`The request body is not valid JSON: ${(error as Error).message}`), undefined)
      return
    }
    if (Array.isArray(parsed)) { done(null, { data: parsed }); return }
    if (typeof parsed !== 'object' || parsed === null) { done(new ValidationError('Invalid request arguments'), undefined); return }
    done(null, parsed)
  })
  await app.register(formbody)
}, { name: 'body-parsers' })
