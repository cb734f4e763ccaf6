import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceContext } from '../../services/context.js'
import type { FormDict } from '../form-dict.js'

/** What a whitelisted method gets: the caller's context, the parameters and the HTTP exchange. */
export interface MethodCall {
  readonly app: FastifyInstance
  readonly ctx: ServiceContext
  readonly params: FormDict
  readonly request: FastifyRequest
  readonly reply: FastifyReply
}

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

/** A method callable at `/api/method/<name>`, as a function whitelisted in Frappe. */
export interface MethodDefinition {
  /** What it does, in a line: for the OpenAPI document and the Postman collection. */
  readonly summary: string
  /** Its parameters and what each holds. */
  readonly params?: Readonly<Record<string, string>>
  /** Guest may call it (Frappe's allow_guest). */
  readonly allowGuest?: boolean
  /** The verbs it answers; by default GET, POST, PUT and DELETE, as in Frappe. */
  readonly verbs?: readonly HttpVerb[]
  /** The whole body: `{message: ...}`, plus any keys Frappe sends beside it; `{}` for nothing. */
  readonly run: (call: MethodCall) => Promise<Record<string, unknown>>
}

export const defaultVerbs: readonly HttpVerb[] = ['GET', 'POST', 'PUT', 'DELETE']
