import type { SelectQueryBuilder } from 'kysely'

/** One page of a query: `length` 0 means every row from `start` (SQLite wants LIMIT -1 there). */
export function page<DB, TB extends keyof DB, O> (query: SelectQueryBuilder<DB, TB, O>, start: number, length: number): SelectQueryBuilder<DB, TB, O> {
  if (length > 0) return start > 0 ? query.limit(length).offset(start) : query.limit(length)
  return start > 0 ? query.limit(-1).offset(start) : query
}
