/**
 * Credentials verified in the last `maxAgeMs` (one second by default), so that a busy client
 * costs a comparison per request rather than database reads. It bounds staleness: a key revoked or a
 * session ended in another process, or a user disabled, is refused everywhere within that time;
 * the process where it happened drops the entry at once.
 */
export class ShortLivedCache<V extends { readonly expiresAt: number | null }> {
  readonly #entries = new Map<string, { value: V, storedAt: number }>()

  constructor (readonly maxAgeMs = 1000, readonly maxEntries = 10_000) {}

  get (key: string, now = Date.now()): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (now - entry.storedAt < this.maxAgeMs && (entry.value.expiresAt === null || entry.value.expiresAt > now)) return entry.value
    this.#entries.delete(key)
    return undefined
  }

  set (key: string, value: V, now = Date.now()): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear()
    this.#entries.set(key, { value, storedAt: now })
  }

  delete (key: string): void {
    this.#entries.delete(key)
  }

  clear (): void {
    this.#entries.clear()
  }
}
