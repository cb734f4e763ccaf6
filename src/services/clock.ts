import { performance } from 'node:perf_hooks'
import { pad } from '../meta/field-values.js'

/**
 * The current local time as Frappe stores it, `YYYY-MM-DD HH:MM:SS.ffffff`: microseconds keep
 * two saves in one millisecond apart, which `modified` checks and sorting rely on.
 */
export function now (): string {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000)
  const date = new Date(Math.floor(micros / 1000))
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(micros % 1_000_000, 6)}`
}

/** Today's local date, `YYYY-MM-DD`. */
export function today (): string {
  return now().slice(0, 10)
}
