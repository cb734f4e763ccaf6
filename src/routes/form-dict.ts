import type { FastifyRequest } from 'fastify'
import { ValidationError } from '../errors.js'
import { isJsonRequest } from '../plugins/body-parsers.js'
import { jsonParam } from '../services/request-params.js'

export type FormDict = Record<string, unknown>

/**
 * Frappe's `form_dict`: a JSON body is the whole parameter set; otherwise query parameters with
 * form fields on top. jQuery's cache buster `_` is dropped.
 */
export function formDict (request: FastifyRequest): FormDict {
  const body = request.body
  const query = request.query as FormDict
  const params: FormDict = typeof body === 'object' && body !== null
    ? (isJsonRequest(request) ? { ...body } : { ...query, ...body })
    : { ...query }
  delete params._
  return params
}

/**
 * The document a create or update sends: the `data` parameter (an object, or JSON text of one,
 * as python clients send it), else the parameters themselves.
 */
export function documentInput (params: FormDict): Record<string, unknown> {
  if (params.data === undefined) return params
  const data = jsonParam('data', params.data)
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ValidationError('data must be a JSON object holding the document\'s fields')
  }
  return data as Record<string, unknown>
}
