// Sign-in throttling per account and per client address: after a few failures each further attempt
// must wait, the wait doubling up to a ceiling. Counters live in SQLite so restarts do not reset them.
import 'server-only';
import { eq, lt } from 'drizzle-orm';
import { getDb } from '@/db';
import { signInThrottle } from '@/db/schema';

const FREE_FAILURES = { account: 5, ip: 30 } as const;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;
/** Failures older than this are forgotten. */
const WINDOW_MS = 60 * 60_000;

export type ThrottleKind = keyof typeof FREE_FAILURES;

function delayAfter(kind: ThrottleKind, failures: number): number {
  const over = failures - FREE_FAILURES[kind];
  if (over < 0) return 0;
  return Math.min(BASE_DELAY_MS * 2 ** over, MAX_DELAY_MS);
}

/** Milliseconds until the next attempt is allowed for these keys (0 when allowed now). */
export function retryAfterMs(keys: { kind: ThrottleKind; key: string }[], now = Date.now()): number {
  const db = getDb();
  let wait = 0;
  for (const { kind, key } of keys) {
    const row = db.select().from(signInThrottle).where(eq(signInThrottle.key, `${kind}:${key}`)).get();
    if (!row || now - row.lastFailureAt.getTime() > WINDOW_MS) continue;
    const until = row.lastFailureAt.getTime() + delayAfter(kind, row.failures);
    wait = Math.max(wait, until - now);
  }
  return Math.max(0, wait);
}

export function recordFailure(keys: { kind: ThrottleKind; key: string }[], now = Date.now()): void {
  const db = getDb();
  db.transaction(
    (tx) => {
      tx.delete(signInThrottle).where(lt(signInThrottle.lastFailureAt, new Date(now - WINDOW_MS))).run();
      for (const { kind, key } of keys) {
        const id = `${kind}:${key}`;
        const row = tx.select().from(signInThrottle).where(eq(signInThrottle.key, id)).get();
        tx.insert(signInThrottle)
          .values({ key: id, failures: (row?.failures ?? 0) + 1, lastFailureAt: new Date(now) })
          .onConflictDoUpdate({
            target: signInThrottle.key,
            set: { failures: (row?.failures ?? 0) + 1, lastFailureAt: new Date(now) },
          })
          .run();
      }
    },
    { behavior: 'immediate' },
  );
}

/** A successful sign-in clears the account's counter (not the address's). */
export function recordSuccess(account: string): void {
  getDb().delete(signInThrottle).where(eq(signInThrottle.key, `account:${account}`)).run();
}

export function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
