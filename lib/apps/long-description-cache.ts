// App versions' rendered LongDescription, kept in memory: parsing the Markdown (micromark, GFM, sanitizing) is
// the largest single cost of an app page, and its result depends only on the Markdown and the version's own
// asset URLs, never on who is looking. The page calls this only for a version the viewer may see (authorization
// happened before, in lib/apps/page-request.ts), so the cache sits behind authorization, not in front of it.
import 'server-only';
import { createHash } from 'node:crypto';
import type { ReactElement } from 'react';
import { renderLongDescription, type MarkdownAssets } from '@/lib/catalog/markdown';

/**
 * Bounds: versions kept, and the Markdown they hold in all. A rendered tree takes some 17–35 bytes of heap per
 * character of Markdown (measured: 9 KB for the benchmark's 515 characters, 335 KB for a 9.9 KB README), so
 * 512 Ki characters hold at most about 18 MB; a single description over a quarter of that is rendered each time.
 */
export const LONG_DESCRIPTION_CACHE = { maxEntries: 1024, maxChars: 512 * 1024 };

const entries = new Map<string, { tree: ReactElement; chars: number }>();
let chars = 0;

/** Everything the rendering depends on: the app version, its asset URLs and the Markdown itself (hashed). */
function keyOf(source: string, assets: MarkdownAssets): string {
  return createHash('sha256').update(JSON.stringify([assets.appId, assets.icon, assets.screenshots, source])).digest('base64url');
}

/**
 * The Markdown rendered to React elements now, not when React renders the page: react-markdown's `Markdown`
 * is a plain synchronous component (no hooks), so calling it yields the very tree React would render, and
 * that tree can be rendered again by later requests.
 */
function render(source: string, assets: MarkdownAssets): ReactElement {
  const element = renderLongDescription(source, assets) as ReactElement<object>;
  return typeof element.type === 'function' ? (element.type as (props: object) => ReactElement)(element.props) : element;
}

/** The rendered long description of one app version, from the cache when the same Markdown and assets were rendered before. */
export function cachedLongDescription(source: string, assets: MarkdownAssets): ReactElement {
  const key = keyOf(source, assets);
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key);
    entries.set(key, hit); // most recently used last
    return hit.tree;
  }
  const tree = render(source, assets);
  if (source.length <= LONG_DESCRIPTION_CACHE.maxChars / 4) {
    entries.set(key, { tree, chars: source.length });
    chars += source.length;
    for (const [oldest, entry] of entries) {
      if (entries.size <= LONG_DESCRIPTION_CACHE.maxEntries && chars <= LONG_DESCRIPTION_CACHE.maxChars) break;
      entries.delete(oldest);
      chars -= entry.chars;
    }
  }
  return tree;
}

/** How many versions and characters of Markdown are held (tests). */
export function longDescriptionCacheSize(): { entries: number; chars: number } {
  return { entries: entries.size, chars };
}
