// Waiting for a database lock held by another process without blocking the event loop: better-sqlite3
// waits synchronously (DB_BUSY_TIMEOUT_MS, kept short), so longer waits happen here, between attempts,
// on timers, while other requests (reads) are served. Past DB_BUSY_RETRY_MS the busy error is thrown
// (answered 503 with Retry-After by lib/errors.ts).
import { databaseBusyRetryMs } from '@/lib/config';
import { isDatabaseBusy } from './errors';

const FIRST_DELAY_MS = 25;
/** Marks a busy error that has already been waited for, so an outer retry does not wait for it again. */
const WAITED = Symbol.for('appstore.busyWaited');
const MAX_DELAY_MS = 400;

/**
 * Runs `attempt` again while it fails because the database is busy, after 25, 50, 100 … (at most 400) ms,
 * until `boundMs` have passed, unless `canRetry` says no. `attempt` must leave nothing behind when it fails
 * busy (its writes in one transaction) and must be able to run again (a request body already read).
 */
export async function retryWhileBusy<T>(
  attempt: () => T | Promise<T>,
  options: { boundMs?: number; canRetry?: () => boolean; wait?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const { boundMs = databaseBusyRetryMs(), canRetry = () => true, wait = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = options;
  const deadline = Date.now() + boundMs;
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDatabaseBusy(error) || (error as { [WAITED]?: boolean })[WAITED]) throw error;
      const left = deadline - Date.now();
      if (left <= 0 || !canRetry()) {
        Object.assign(error as object, { [WAITED]: true });
        throw error;
      }
      await wait(Math.min(delay, left));
    }
  }
}
