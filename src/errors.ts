/**
 * Frappe's exception classes. `exc_type` on the wire is the class name, so each class keeps
 * Frappe's name; the HTTP status is the one Frappe maps the class (or its nearest ancestor) to.
 */

/** One entry of `_server_messages`: keys in the order Frappe writes them. */
export interface ServerMessage {
  message: string
  title?: string
  indicator?: string
  raise_exception?: 1
}

export interface FrappeErrorOptions {
  /** Messages queued for the client; when omitted, the error's own message is the only one. */
  serverMessages?: ServerMessage[]
  /** Frappe's `_error_message`: a one-line summary that permission checks set. */
  errorMessage?: string
  /** Extra top-level keys for the body, such as a machine-readable reason. */
  details?: Record<string, unknown>
  headers?: Record<string, string>
}

export class FrappeError extends Error {
  readonly statusCode: number = 500
  readonly serverMessages: ServerMessage[]
  readonly errorMessage: string | undefined
  readonly details: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor (message = '', options: FrappeErrorOptions = {}) {
    super(message)
    this.name = new.target.name
    this.serverMessages = options.serverMessages ??
      (message === '' ? [] : [{ message, title: 'Message', indicator: 'red', raise_exception: 1 }])
    this.errorMessage = options.errorMessage
    this.details = options.details ?? {}
    this.headers = options.headers ?? {}
  }

  get excType (): string {
    return this.name
  }
}

export class ValidationError extends FrappeError {
  override readonly statusCode: number = 417
}
export class MandatoryError extends ValidationError {}
export class LinkValidationError extends ValidationError {}
export class DataError extends ValidationError {}
export class UniqueValidationError extends ValidationError {}
export class CharacterLengthExceededError extends ValidationError {}
export class InvalidNameError extends ValidationError {}
export class TimestampMismatchError extends ValidationError {}

export class DoesNotExistError extends ValidationError {
  override readonly statusCode: number = 404
}

export class PermissionError extends FrappeError {
  override readonly statusCode: number = 403
}

export class AuthenticationError extends FrappeError {
  override readonly statusCode: number = 401
}

export class NameError extends FrappeError {
  override readonly statusCode: number = 409
}
export class DuplicateEntryError extends NameError {}

export class UnsupportedMediaType extends FrappeError {
  override readonly statusCode: number = 415
}

/** werkzeug's name for Frappe's 413. */
export class RequestEntityTooLarge extends FrappeError {
  override readonly statusCode: number = 413
}

export class TooManyRequestsError extends FrappeError {
  override readonly statusCode: number = 429
}

/** Frappe's per-client limiter's error (v14+). */
export class RateLimitExceededError extends ValidationError {
  override readonly statusCode: number = 429
}

/** werkzeug's name for a server that cannot serve now: not ready, or shutting down. */
export class ServiceUnavailable extends FrappeError {
  override readonly statusCode: number = 503
}

/** An unexpected failure: its message never reaches the client. */
export class InternalServerError extends FrappeError {}

export class DocstatusTransitionError extends ValidationError {}
export class UpdateAfterSubmitError extends ValidationError {}
export class LinkExistsError extends ValidationError {}

/** werkzeug's name for a request that cannot be read at all (bad URL encoding, say). */
export class BadRequest extends FrappeError {
  override readonly statusCode: number = 400
}

/** Python's name for a body that is not JSON; Frappe answers it with 500, we with 400. */
export class JSONDecodeError extends FrappeError {
  override readonly statusCode: number = 400
}
export class InvalidEmailAddressError extends ValidationError {}
export class InvalidPhoneNumberError extends ValidationError {}
