import type { RequestUser } from '../users.js'

export interface VerifiedKey {
  readonly secretHash: string
  readonly user: RequestUser
  /** Epoch milliseconds, or null for a key that never expires. */
  readonly expiresAt: number | null
}

/**
 * Keys verified in the last `maxAgeMs` (one second by default), so that a busy client costs one
 * hash per request rather than database reads. It bounds staleness: a key revoked, expired or
 * whose user was disabled in any process is refused everywhere within that time.
 */
export class VerifiedKeyCache {
  readonly #entries = new Map<string, VerifiedKey & { storedAt: number }>()

  constructor (readonly maxAgeMs = 1000, readonly maxEntries = 10_000) {}

  get (apiKey: string, now = Date.now()): VerifiedKey | undefined {
    const entry = this.#entries.get(apiKey)
    if (entry === undefined) return undefined
    if (now - entry.storedAt < this.maxAgeMs && (entry.expiresAt === null || entry.expiresAt > now)) return entry
    this.#entries.delete(apiKey)
    return undefined
  }

  set (apiKey: string, key: VerifiedKey, now = Date.now()): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear()
    this.#entries.set(apiKey, { ...key, storedAt: now })
  }

  delete (apiKey: string): void {
    this.#entries.delete(apiKey)
  }
}
