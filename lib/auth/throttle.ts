// Sign-in throttling: after a few failures each further attempt must wait, the wait doubling up to a
// ceiling. Failures are counted per (account, client address) and per client address, so an attacker's
// guesses never stop the real user signing in from their own address, plus a much higher account-wide
// limit against guessing spread over many addresses. Counters live in SQLite so restarts do not reset them.
import 'server-only';
import { eq, lt, sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { signInThrottle } from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import { signInThrottleLimits } from '@/lib/config';
import { throttleNetwork } from './client-address';

export const BASE_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 15 * 60_000;
/** Failures older than this are forgotten. */
const WINDOW_MS = 60 * 60_000;

export type ThrottleKind = 'accountAddress' | 'address' | 'account';
export type ThrottleKey = { kind: ThrottleKind; key: string };

/**
 * The counters one attempt by `account` from `address` is checked against and counted in. An IPv6 client is
 * counted by its /64 (throttleNetwork), which it can fill with addresses of its own.
 */
export function throttleKeys(account: string, address: string): ThrottleKey[] {
  const network = throttleNetwork(address);
  return [
    { kind: 'accountAddress', key: `${account}|${network}` },
    { kind: 'address', key: network },
    { kind: 'account', key: account },
  ];
}

const id = ({ kind, key }: ThrottleKey) => `${kind}:${key}`;

/** The wait after `failures` failures in a scope that allows `free` of them: 30 s, doubling, at most 15 min. */
export function delayAfter(free: number, failures: number): number {
  const over = failures - free;
  if (over < 0) return 0;
  return Math.min(BASE_DELAY_MS * 2 ** Math.min(over, 30), MAX_DELAY_MS);
}

function waitFor(rows: Map<string, { failures: number; lastFailureAt: Date }>, keys: ThrottleKey[], now: number): number {
  const limits = signInThrottleLimits();
  let wait = 0;
  for (const key of keys) {
    const row = rows.get(id(key));
    if (!row || now - row.lastFailureAt.getTime() > WINDOW_MS) continue;
    wait = Math.max(wait, row.lastFailureAt.getTime() + delayAfter(limits[key.kind], row.failures) - now);
  }
  return Math.max(0, wait);
}

function readRows(keys: ThrottleKey[]) {
  const db = getDb();
  const rows = new Map<string, { failures: number; lastFailureAt: Date }>();
  for (const key of keys) {
    const row = db.select().from(signInThrottle).where(eq(signInThrottle.key, id(key))).get();
    if (row) rows.set(row.key, row);
  }
  return rows;
}

/** Milliseconds until the next attempt is allowed for these keys (0 when allowed now). */
export function retryAfterMs(keys: ThrottleKey[], now = Date.now()): number {
  return waitFor(readRows(keys), keys, now);
}

/** One attempt let through by `startAttempt`: the scopes its failure would lock (their count reached the limit). */
export interface Attempt {
  wait: number;
  locking: ThrottleKind[];
}

/**
 * Checks the keys and, when an attempt is allowed, counts it as a failure in the same immediate transaction,
 * before the password is even verified: parallel guesses cannot all pass the check and be counted late.
 * A successful attempt is taken back by `recordSuccess`. Answers the wait (0: go ahead) and the scopes
 * whose count this attempt brought to their limit: if it fails, they are locked from now on (exactly one
 * attempt reaches a limit, so a lock is reported once, not once per refused attempt).
 */
export function startAttempt(keys: ThrottleKey[], now = Date.now()): Attempt {
  const db = getDb();
  const limits = signInThrottleLimits();
  return db.transaction(
    (tx) => {
      tx.delete(signInThrottle).where(lt(signInThrottle.lastFailureAt, new Date(now - WINDOW_MS))).run();
      const wait = waitFor(readRows(keys), keys, now);
      if (wait > 0) return { wait, locking: [] };
      const locking: ThrottleKind[] = [];
      for (const key of keys) {
        const row = tx
          .insert(signInThrottle)
          .values({ key: id(key), failures: 1, lastFailureAt: new Date(now) })
          .onConflictDoUpdate({
            target: signInThrottle.key,
            set: { failures: sql`${signInThrottle.failures} + 1`, lastFailureAt: new Date(now) },
          })
          .returning({ failures: signInThrottle.failures })
          .get();
        if (row.failures === limits[key.kind]) locking.push(key.kind);
      }
      return { wait: 0, locking };
    },
    { behavior: 'immediate' },
  );
}

/** `startAttempt`'s wait alone. */
export function beginAttempt(keys: ThrottleKey[], now = Date.now()): number {
  return startAttempt(keys, now).wait;
}

/**
 * A failed attempt that locked one or more scopes: one audit entry naming the account, the address and
 * the scopes, so administrators see lockouts (the refused attempts that follow are not logged).
 */
export function recordLockout(account: string, address: string, locking: ThrottleKind[]): void {
  if (locking.length === 0) return;
  const limits = signInThrottleLimits();
  writeAudit(getDb(), {
    actorId: null,
    action: 'sign-in.locked',
    targetType: 'sign_in',
    targetId: account,
    details: {
      account,
      address,
      scopes: locking.map((kind) => ({ scope: kind, failures: limits[kind] })),
    },
  });
}

/**
 * A successful sign-in: the attempt counted by beginAttempt was not a failure. The account's counters
 * (with this address and account-wide) start again; the address keeps its other failures.
 */
export function recordSuccess(keys: ThrottleKey[]): void {
  const db = getDb();
  db.transaction(
    (tx) => {
      for (const key of keys) {
        if (key.kind === 'address') {
          tx.update(signInThrottle)
            .set({ failures: sql`max(${signInThrottle.failures} - 1, 0)` })
            .where(eq(signInThrottle.key, id(key)))
            .run();
        } else {
          tx.delete(signInThrottle).where(eq(signInThrottle.key, id(key))).run();
        }
      }
    },
    { behavior: 'immediate' },
  );
}

/** The number of failures counted for one key (for tests and diagnostics). */
export function failuresOf(key: ThrottleKey): number {
  return getDb().select().from(signInThrottle).where(eq(signInThrottle.key, id(key))).get()?.failures ?? 0;
}

export function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
