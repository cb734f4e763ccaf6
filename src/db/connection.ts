import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database, Db } from './tables.js'

/** Opens the SQLite database at `url` (a file path or `:memory:`), creating its folder if needed. */
export function openDatabase (url: string): Db {
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true })
  const sqlite = new SQLite(url)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('synchronous = NORMAL')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}
