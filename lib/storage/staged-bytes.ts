// Bytes staged per staging directory (uploads in flight and uploads waiting for their import), for the
// per-user quota. Kept in memory, shared by every route bundle through globalThis: staging is emptied at
// every start, so the count starts at zero with it.
const KEY = Symbol.for('appstore.staged-bytes');

function ledger(): Map<string, number> {
  const g = globalThis as unknown as Record<symbol, Map<string, number> | undefined>;
  return (g[KEY] ??= new Map());
}

export function stagedBytes(dir: string): number {
  return ledger().get(dir) ?? 0;
}

export function addStagedBytes(dir: string, bytes: number): void {
  ledger().set(dir, stagedBytes(dir) + bytes);
}

/** A staged file left (imported, refused, aborted, expired): its bytes no longer count. */
export function releaseStagedBytes(dir: string, bytes: number): void {
  const left = stagedBytes(dir) - bytes;
  if (left > 0) ledger().set(dir, left);
  else ledger().delete(dir);
}
