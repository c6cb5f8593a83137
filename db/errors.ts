// Recognizing SQLite constraint failures, so callers can turn a lost race into a clear conflict.

/** A UNIQUE (or primary key) constraint refused the write. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(String(error));
}

/** Another connection (another process: a backup, a maintenance script) holds the lock SQLite needs. */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** The disk (or the database file) cannot grow. */
export function isStorageFull(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Runs a write that is only bookkeeping (last seen, last used): while the database is busy it is skipped,
 * so that reads keep being served.
 */
export function unlessBusy(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (!isDatabaseBusy(error)) throw error;
  }
}
