// The first search of a process tokenizes the texts of every card (document-words.ts): about 0.3 s of CPU at
// 10,000 apps and 3 s at 100,000, paid by whoever searches first after a restart, with every other request of
// that process waiting behind it. Instead, every process that renders catalog pages (the primary as the last
// part of its start-up, lib/startup.ts; each render worker before it takes pages, instrumentation.ts and
// server.ts) tokenizes the cards' texts in the background, a slice at a time between requests, so that the
// first search only assembles the cached words (about a tenth of the cost); then it builds the full-access
// audience's indexes, which that process's first catalog page of an admin or full-access viewer would build
// (0.6 s at 100,000 apps for the cards, 0.3 s for the words), and in public mode the anonymous visitors' too.
// Nothing is shown to anyone here: every other audience's index (each signed-in visitor's) is still built from
// the cards it may see at its first page (head-index.ts), and every page chooses its index behind authorization.
import 'server-only';
import { getDb } from '@/db';
import { accessSettings } from '@/lib/auth/access-settings';
import { fullAccessSharedWhere, visibleAppsWhere } from '@/lib/auth/visibility-sql';
import { cacheDocumentWords } from './document-words';
import { audienceOf, FULL_ACCESS, headIndex, searchOf } from './head-index';

/** Every shared card's document and version, most recently updated first (catalog_heads's own rows: no viewer). */
export const SHARED_HEAD_DOCUMENTS = "SELECT doc_id, app_id FROM catalog_heads WHERE audience = 'shared' ORDER BY updated_at DESC";

/** Documents tokenized per slice: some 15 ms of CPU, so that a request waits at most that long behind one. */
export const WARM_UP_SLICE = 500;

/**
 * Runs warmSearch in the background (the primary's start-up, a render worker): the promise settles when it is
 * over, with the documents it went through, or null when it failed (logged: the first search does the work
 * then); it never rejects.
 */
export function warmSearchInBackground(log: Pick<Console, 'error'> = console): Promise<number | null> {
  return warmSearch().catch((error: unknown) => {
    log.error('Warming up the search failed (the first search will do its work):', error);
    return null;
  });
}

/**
 * Tokenizes the shared cards' texts into the words cache, a slice per turn of the event loop, and returns how many
 * documents it went through. It stops early when the database is another one (tests), or when the cache is full
 * enough (document-words.ts: warming never evicts). Then builds the full-access audience's head and search
 * indexes from them (admins and full-access viewers share one: head-index.ts), as their first catalog page in
 * this process would: about 0.1 s at 10,000 apps and 0.9 s at 100,000, at once; and, in public mode, the
 * anonymous visitors' (their condition is visibleAppsWhere's for no viewer).
 */
export async function warmSearch(slice = WARM_UP_SLICE): Promise<number> {
  const client = getDb().$client;
  const done = await warmWords(client, slice);
  await new Promise((resolve) => setImmediate(resolve));
  if (getDb().$client !== client) return done;
  searchOf(headIndex(FULL_ACCESS, fullAccessSharedWhere()));
  // In public mode anonymous visitors are an audience of their own (every PUBLIC Name's newest version): theirs too.
  const settings = accessSettings();
  if (settings.publicMode) {
    await new Promise((resolve) => setImmediate(resolve));
    if (getDb().$client === client) searchOf(headIndex(audienceOf(null, settings), visibleAppsWhere(null, settings)));
  }
  return done;
}

async function warmWords(client: ReturnType<typeof getDb>['$client'], slice: number): Promise<number> {
  const documents = client.prepare(SHARED_HEAD_DOCUMENTS).raw().all() as [number, string][];
  let done = 0;
  for (let start = 0; start < documents.length; start += slice) {
    await new Promise((resolve) => setImmediate(resolve));
    if (getDb().$client !== client) break;
    const part = documents.slice(start, start + slice);
    if (!cacheDocumentWords(part)) break;
    done += part.length;
  }
  return done;
}
