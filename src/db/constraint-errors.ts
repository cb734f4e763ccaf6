/** A database error that a client caused: a key that is taken. */
export type ConstraintViolation =
  | { kind: 'primary-key' }
  | { kind: 'unique', column: string }

/** Recognises SQLite's constraint errors; anything else is not the client's doing. */
export function constraintViolation (error: unknown): ConstraintViolation | undefined {
  if (!(error instanceof Error)) return undefined
  const code = (error as Error & { code?: unknown }).code
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return { kind: 'primary-key' }
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined
  const column = /UNIQUE constraint failed: [^.]+\.(\S+)/.exec(error.message)?.[1] ?? ''
  return column === 'name' ? { kind: 'primary-key' } : { kind: 'unique', column }
}
