// Recognizing SQLite constraint failures, so callers can turn a lost race into a clear conflict.

/** A UNIQUE (or primary key) constraint refused the write. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(String(error));
}
