import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely'
import type { Database, Db } from './tables.js'

/**
 * better-sqlite3 with its prepared statements kept, up to `max` of them: Kysely prepares every
 * query anew, and preparing costs more than running the short queries a request makes.
 */
function keepingStatements (sqlite: SQLite.Database, max = 1000): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>()
  return {
    prepare (sql) {
      let statement = statements.get(sql)
      if (statement === undefined) {
        if (statements.size >= max) statements.clear()
        statement = sqlite.prepare(sql)
        statements.set(sql, statement)
      }
      return statement
    },
    close () { sqlite.close() }
  }
}

/** Opens the SQLite database at `url` (a file path or `:memory:`), creating its folder if needed. */
export function openDatabase (url: string): Db {
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true })
  const sqlite = new SQLite(url)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('synchronous = NORMAL')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) })
}
