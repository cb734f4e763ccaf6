import { ValidationError } from '../errors.js'

/**
 * Helpers for Frappe's loosely typed parameters: values arrive as JSON text in a query string or
 * form, or as real JSON in a body, and clients send booleans as `1`, `true` or `True`.
 */

/** A parameter that holds JSON: parsed when it came as text. Throws ValidationError naming it. */
export function jsonParam (name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch (error) {
    throw new ValidationError(`${name} must be valid JSON: ${(error as Error).message}`)
  }
}

/** A whole number parameter of at least 0, or the default when absent. */
export function countParam (name: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(number) || number < 0) throw new ValidationError(`${name} must be a whole number of at least 0, not ${JSON.stringify(value)}`)
  return number
}

/** A boolean in any of the forms Frappe's clients send it. */
export function flagParam (name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback
  if (typeof value === 'boolean') return value
  const text = String(value).trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(text)) return true
  if (['0', 'false', 'no', 'off', 'none', 'null'].includes(text)) return false
  throw new ValidationError(`${name} must be true or false, not ${JSON.stringify(value)}`)
}
