// App versions' rendered LongDescription: parsing the Markdown (micromark, GFM, sanitizing) is the largest single
// cost of an app page, and its result depends only on the Markdown and the version's own asset URLs, never on who
// is looking. Each version's is compiled when it is imported and stored (app_long_descriptions); pages render it
// from there, and keep the rendered trees and compiled forms of recent versions in memory. The page calls this only
// for a version the viewer may see (authorization happened before, in lib/apps/page-request.ts), so none of it
// sits in front of authorization.
import 'server-only';
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { ReactElement } from 'react';
import { getDb, perConnection } from '@/db';
import { isStorageFull, unlessBusy } from '@/db/errors';
import { appLongDescriptions } from '@/db/schema';
import { markdownHash, MARKDOWN_PIPELINE, renderAndCompile, renderCompiled, storedForm, type MarkdownAssets } from '@/lib/catalog/markdown';

/**
 * Bounds: versions kept, and the Markdown they hold in all. A rendered tree takes some 17–35 bytes of heap per
 * character of Markdown (measured: 9 KB for the benchmark's 515 characters, 335 KB for a 9.9 KB README), so
 * 512 Ki characters hold at most about 18 MB; a single description over a quarter of that is rendered each time.
 * Least recently used out (lru-cache, as the compiled forms below).
 */
export const LONG_DESCRIPTION_CACHE = { maxEntries: 1024, maxChars: 512 * 1024 };

const treeCache = () =>
  new LRUCache<string, { tree: ReactElement; chars: number }>({
    max: LONG_DESCRIPTION_CACHE.maxEntries,
    maxSize: LONG_DESCRIPTION_CACHE.maxChars,
    maxEntrySize: LONG_DESCRIPTION_CACHE.maxChars / 4,
    sizeCalculation: (entry) => Math.max(1, entry.chars),
  });
let entries = treeCache();

/**
 * Behind the rendered trees, the Markdown's compiled form (markdown.ts's renderAndCompile: its sanitized tree,
 * encoded, some 4 bytes per character of Markdown), by the Markdown alone (the same for every version that has
 * it), least recently used out past maxChars of compiled text (16 MB of one-byte strings): a version whose tree
 * is not kept is rendered from it without parsing (0.4 ms against 3.3 ms for 500 characters), so that the
 * descriptions of a catalog of some 10,000 versions stay at hand, not only those of the last 1,024 viewed.
 */
export const COMPILED_CACHE = { maxChars: 16 * 1024 * 1024 };
const compiledCache = () =>
  new LRUCache<string, string>({
    maxSize: COMPILED_CACHE.maxChars,
    maxEntrySize: COMPILED_CACHE.maxChars / 8,
    sizeCalculation: (compiled) => Math.max(1, compiled.length),
  });
let compiledBySource = compiledCache();
/** Descriptions parsed so far (tests: a render from the compiled form parses nothing). */
let parsed = 0;

/** Everything the rendering depends on: the app version, its asset URLs and the Markdown (by its hash, markdownHash). */
function keyOf(sourceHash: string, assets: MarkdownAssets): string {
  return createHash('sha256').update(JSON.stringify([assets.appId, assets.icon, assets.screenshots, sourceHash])).digest('base64url');
}

/** An app version's stored compiled LongDescription. */
const storedRow = perConnection((db) =>
  db
    .select({ sourceSha256: appLongDescriptions.sourceSha256, pipeline: appLongDescriptions.pipeline, compiled: appLongDescriptions.compiled })
    .from(appLongDescriptions)
    .where(eq(appLongDescriptions.appId, sql.placeholder('appId')))
    .prepare(),
);

/** The row an import stores beside a new version (lib/apps/import.ts): its LongDescription compiled; null for none. */
export function compiledForImport(appId: string, source: string | null): typeof appLongDescriptions.$inferInsert | null {
  if (!source?.trim()) return null;
  return { appId, ...storedForm(source) };
}

/**
 * The Markdown rendered to React elements now, not when React renders the page (react-markdown's `Markdown` is
 * a plain synchronous component, so that tree can be rendered again by later requests): from its compiled
 * form kept in memory or stored with the version, else parsed, its compiled form then kept and stored (a
 * version imported before forms were stored, or under another pipeline).
 */
function render(source: string, sourceHash: string, assets: MarkdownAssets): ReactElement {
  const kept = compiledBySource.get(sourceHash);
  if (kept !== undefined) return renderCompiled(kept, assets);
  const stored = storedRow().get({ appId: assets.appId });
  if (stored && stored.sourceSha256 === sourceHash && stored.pipeline === MARKDOWN_PIPELINE) {
    compiledBySource.set(sourceHash, stored.compiled);
    return renderCompiled(stored.compiled, assets);
  }
  parsed++;
  const { tree, compiled } = renderAndCompile(source, assets);
  compiledBySource.set(sourceHash, compiled); // not kept past the bound of one entry (maxEntrySize)
  store({ appId: assets.appId, sourceSha256: sourceHash, pipeline: MARKDOWN_PIPELINE, compiled });
  return tree;
}

/**
 * Stores a compiled form found missing or stale: bookkeeping, so skipped while the database is busy or full, or
 * when the version was deleted meanwhile (its row would refer to nothing); the next view tries again.
 */
function store(row: typeof appLongDescriptions.$inferInsert): void {
  try {
    unlessBusy(() =>
      getDb()
        .insert(appLongDescriptions)
        .values(row)
        .onConflictDoUpdate({ target: appLongDescriptions.appId, set: { sourceSha256: row.sourceSha256, pipeline: row.pipeline, compiled: row.compiled } })
        .run(),
    );
  } catch (error) {
    if (!isStorageFull(error) && (error as { code?: string })?.code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw error;
  }
}

/** The rendered long description of one app version, from the cache when the same Markdown and assets were rendered before. */
export function cachedLongDescription(source: string, assets: MarkdownAssets): ReactElement {
  // The Markdown is hashed once: the key of its compiled form and stored row, and part of the tree's.
  const sourceHash = markdownHash(source);
  const key = keyOf(sourceHash, assets);
  const hit = entries.get(key);
  if (hit) return hit.tree;
  const tree = render(source, sourceHash, assets);
  entries.set(key, { tree, chars: source.length }); // a description over a quarter of the bound is not kept
  return tree;
}

/** How many versions and characters of Markdown are held, and how much compiled text (tests). */
export function longDescriptionCacheSize(): { entries: number; chars: number; compiled: number; compiledChars: number; parsed: number } {
  return { entries: entries.size, chars: entries.calculatedSize, compiled: compiledBySource.size, compiledChars: compiledBySource.calculatedSize, parsed };
}

/** Empties both caches and applies the bounds as they are now (tests). */
export function resetLongDescriptionCaches(): void {
  entries = treeCache();
  compiledBySource = compiledCache();
}
