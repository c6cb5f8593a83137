// App versions' rendered LongDescription, kept in memory: parsing the Markdown (micromark, GFM, sanitizing) is
// the largest single cost of an app page, and its result depends only on the Markdown and the version's own
// asset URLs, never on who is looking. The page calls this only for a version the viewer may see (authorization
// happened before, in lib/apps/page-request.ts), so the cache sits behind authorization, not in front of it.
import 'server-only';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ReactElement } from 'react';
import { renderAndCompile, renderCompiled, type MarkdownAssets } from '@/lib/catalog/markdown';

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

/** Everything the rendering depends on: the app version, its asset URLs and the Markdown itself (hashed). */
function keyOf(source: string, assets: MarkdownAssets): string {
  return createHash('sha256').update(JSON.stringify([assets.appId, assets.icon, assets.screenshots, source])).digest('base64url');
}

/**
 * The Markdown rendered to React elements now, not when React renders the page (react-markdown's `Markdown` is
 * a plain synchronous component, so that tree can be rendered again by later requests): from its compiled
 * form when another request compiled it, else parsed, and its compiled form kept.
 */
function render(source: string, assets: MarkdownAssets): ReactElement {
  const key = createHash('sha256').update(source).digest('base64url');
  const compiled = compiledBySource.get(key);
  if (compiled !== undefined) return renderCompiled(compiled, assets);
  parsed++;
  const { tree, compiled: fresh } = renderAndCompile(source, assets);
  compiledBySource.set(key, fresh); // not kept past the bound of one entry (maxEntrySize)
  return tree;
}

/** The rendered long description of one app version, from the cache when the same Markdown and assets were rendered before. */
export function cachedLongDescription(source: string, assets: MarkdownAssets): ReactElement {
  const key = keyOf(source, assets);
  const hit = entries.get(key);
  if (hit) return hit.tree;
  const tree = render(source, assets);
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
