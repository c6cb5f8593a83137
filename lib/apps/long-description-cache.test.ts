import { renderToStaticMarkup } from 'react-dom/server';
import { eq } from 'drizzle-orm';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getDb } from '@/db';
import { appLongDescriptions, apps } from '@/db/schema';
import { compileMarkdown, MARKDOWN_PIPELINE, renderLongDescription, type MarkdownAssets } from '@/lib/catalog/markdown';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import {
  cachedLongDescription,
  compiledForImport,
  COMPILED_CACHE,
  LONG_DESCRIPTION_CACHE,
  longDescriptionCacheSize,
  resetLongDescriptionCaches,
} from './long-description-cache';

useTempDataDir();

const assetsOf = (appId: string, shots = 1): MarkdownAssets => ({
  appId,
  icon: `/assets/${appId}/icon`,
  screenshots: Array.from({ length: shots }, (_, i) => `/assets/${appId}/screenshot-${i + 1}`),
});
const html = (md: string, assets: MarkdownAssets) => renderToStaticMarkup(cachedLongDescription(md, assets));
const uncached = (md: string, assets: MarkdownAssets) => renderToStaticMarkup(renderLongDescription(md, assets));

describe('the long description cache', () => {
  const md = '# Churn\n\n![icon](static/icon.png) ![shot](static/screenshot1.png)\n\n* **fast** <script>alert(1)</script>\n\n[docs](https://example.com/docs) and [bad](javascript:alert(2))';

  it('gives exactly what rendering the Markdown gives, and the same tree again on the next request', () => {
    const assets = assetsOf('app-same');
    const first = cachedLongDescription(md, assets);
    expect(renderToStaticMarkup(first)).toBe(uncached(md, assets));
    expect(html(md, assets)).toContain('<h1>Churn</h1>');
    expect(html(md, assets)).not.toContain('<script');
    expect(cachedLongDescription(md, { ...assets, screenshots: [...assets.screenshots] })).toBe(first); // a hit: nothing parsed again
  });

  it('never serves an earlier Markdown of the same version', () => {
    const assets = assetsOf('app-edit');
    expect(html('Old text', assets)).toBe('<p>Old text</p>');
    expect(html('New text', assets)).toBe('<p>New text</p>');
    expect(html('Old text', assets)).toBe('<p>Old text</p>');
  });

  it("never serves another version's images for the same Markdown", () => {
    const a = html(md, assetsOf('app-a'));
    const b = html(md, assetsOf('app-b'));
    expect(a).toContain('/assets/app-a/screenshot-1');
    expect(b).toContain('/assets/app-b/screenshot-1');
    expect(b).not.toContain('app-a');
    // The same version without a screenshot any more: the image is dropped, not served from before.
    expect(html(md, assetsOf('app-a', 0))).not.toContain('screenshot-1');
    expect(html(md, { ...assetsOf('app-a'), icon: null })).not.toContain('/assets/app-a/icon');
  });

  it('stays within its bounds, dropping the least recently used', () => {
    const kept = assetsOf('app-kept');
    const keptTree = cachedLongDescription('kept', kept);
    for (let i = 0; i < LONG_DESCRIPTION_CACHE.maxEntries + 10; i++) {
      cachedLongDescription(`text ${i}`, assetsOf(`app-${i}`));
      if (i % 50 === 0) expect(cachedLongDescription('kept', kept)).toBe(keptTree); // used again: kept
    }
    expect(longDescriptionCacheSize().entries).toBe(LONG_DESCRIPTION_CACHE.maxEntries);
    expect(cachedLongDescription('text 0', assetsOf('app-0'))).not.toBe(cachedLongDescription('text 0', assetsOf('app-1'))); // different keys
    const huge = 'x'.repeat(LONG_DESCRIPTION_CACHE.maxChars / 4 + 1);
    const before = longDescriptionCacheSize().chars;
    expect(renderToStaticMarkup(cachedLongDescription(huge, assetsOf('app-huge')))).toBe(`<p>${huge}</p>`);
    expect(longDescriptionCacheSize().chars).toBe(before); // too large to keep: rendered, not held
    expect(longDescriptionCacheSize().chars).toBeLessThanOrEqual(LONG_DESCRIPTION_CACHE.maxChars);
    // Long descriptions: bound by the Markdown held, whatever the number of versions.
    const eighth = LONG_DESCRIPTION_CACHE.maxChars / 8;
    for (let i = 0; i < 12; i++) cachedLongDescription(`${i} ${'y'.repeat(eighth - 10)}`, assetsOf(`app-long-${i}`));
    expect(longDescriptionCacheSize().chars).toBeLessThanOrEqual(LONG_DESCRIPTION_CACHE.maxChars);
    expect(longDescriptionCacheSize().chars).toBeGreaterThan(LONG_DESCRIPTION_CACHE.maxChars - 2 * eighth);
  });

  it('renders a version whose tree is no longer kept from the compiled Markdown, without parsing it again', () => {
    const md = '## Compiled\n\n![shot](static/screenshot1.png) [docs](https://example.com) <script>x</script>';
    const first = html(md, assetsOf('app-c1'));
    // Another version with the same Markdown: its own images, from the compiled form (no parse).
    const parsed = longDescriptionCacheSize().parsed;
    expect(html(md, assetsOf('app-c2'))).toBe(uncached(md, assetsOf('app-c2')));
    expect(html(md, assetsOf('app-c2'))).toContain('/assets/app-c2/screenshot-1');
    // Push the first version's tree out of the rendered trees: it comes back from the compiled form.
    for (let i = 0; i < LONG_DESCRIPTION_CACHE.maxEntries; i++) cachedLongDescription(`filler ${i}`, assetsOf(`app-f${i}`));
    const afterFill = longDescriptionCacheSize().parsed;
    expect(afterFill - parsed).toBe(LONG_DESCRIPTION_CACHE.maxEntries); // the fillers, not the two versions above
    expect(html(md, assetsOf('app-c1'))).toBe(first);
    expect(longDescriptionCacheSize().parsed).toBe(afterFill);
  });

  it('bounds the compiled Markdown by its size, least recently used out', () => {
    const bound = COMPILED_CACHE.maxChars;
    COMPILED_CACHE.maxChars = 256 * 1024; // the same rule at a size a test parses quickly
    resetLongDescriptionCaches();
    onTestFinished(() => {
      COMPILED_CACHE.maxChars = bound;
      resetLongDescriptionCaches();
    });
    const part = COMPILED_CACHE.maxChars / 8 - 100; // the largest kept
    const big = (i: number) => `${i} ${'z'.repeat(part - 20)}`;
    for (let i = 0; i < 12; i++) cachedLongDescription(big(i), assetsOf(`app-big-${i}`));
    const { compiledChars } = longDescriptionCacheSize();
    expect(compiledChars).toBeLessThanOrEqual(COMPILED_CACHE.maxChars);
    expect(compiledChars).toBeGreaterThan(COMPILED_CACHE.maxChars - 2 * part);
    // The oldest went out: rendering it parses again.
    const parsed = longDescriptionCacheSize().parsed;
    cachedLongDescription(big(0), assetsOf('app-big-other'));
    expect(longDescriptionCacheSize().parsed).toBe(parsed + 1);
    // One too large to keep is parsed every time, never held.
    const huge = 'h'.repeat(COMPILED_CACHE.maxChars / 8 + 10);
    cachedLongDescription(huge, assetsOf('app-huge-1'));
    cachedLongDescription(huge, assetsOf('app-huge-2'));
    expect(longDescriptionCacheSize().parsed).toBe(parsed + 3);
  });
});

describe('the compiled long descriptions stored with the versions', () => {
  const md = '## Stored\n\n![shot](static/screenshot1.png) [docs](https://example.com) <img src=x onerror=alert(1)>\n\n| a | b |\n|---|---|\n| 1 | 2 |';
  const stored = (appId: string) => getDb().select().from(appLongDescriptions).where(eq(appLongDescriptions.appId, appId)).get();
  const version = (source: string) => insertAppRow({ ownerId: insertUser().id, longDescription: source });

  it("renders a version from the form its import stored, parsing nothing, exactly as parsing would", () => {
    const id = version(md);
    getDb().insert(appLongDescriptions).values(compiledForImport(id, md)!).run();
    resetLongDescriptionCaches(); // as a process that has shown nothing yet
    const parsed = longDescriptionCacheSize().parsed;
    expect(html(md, assetsOf(id))).toBe(uncached(md, assetsOf(id)));
    expect(html(md, assetsOf(id))).toContain(`/assets/${id}/screenshot-1`);
    expect(longDescriptionCacheSize().parsed).toBe(parsed);
  });

  it('stores the form of a version that has none when it is first shown, for the next process', () => {
    const id = version(md);
    expect(stored(id)).toBeUndefined();
    resetLongDescriptionCaches();
    const parsed = longDescriptionCacheSize().parsed;
    const first = html(md, assetsOf(id));
    expect(longDescriptionCacheSize().parsed).toBe(parsed + 1);
    expect(stored(id)).toMatchObject({ pipeline: MARKDOWN_PIPELINE, compiled: compileMarkdown(md) });
    resetLongDescriptionCaches();
    expect(html(md, assetsOf(id))).toBe(first);
    expect(longDescriptionCacheSize().parsed).toBe(parsed + 1);
  });

  it('compiles again a stored form of another Markdown or another pipeline, and replaces it', () => {
    for (const stale of [{ sourceSha256: 'another-markdown' }, { pipeline: 'rules 0; an older sanitizer' }]) {
      const id = version(md);
      // What the stale row holds must not be shown: a form that would render a script.
      const forged = JSON.stringify([['script', {}, 'alert(1)']]);
      getDb().insert(appLongDescriptions).values({ ...compiledForImport(id, md)!, compiled: forged, ...stale }).run();
      resetLongDescriptionCaches();
      const parsed = longDescriptionCacheSize().parsed;
      expect(html(md, assetsOf(id))).toBe(uncached(md, assetsOf(id)));
      expect(longDescriptionCacheSize().parsed).toBe(parsed + 1);
      expect(stored(id)).toMatchObject({ pipeline: MARKDOWN_PIPELINE, compiled: compileMarkdown(md) });
    }
  });

  it('shows a version deleted while it was shown, storing nothing, and drops a stored form with its version', () => {
    resetLongDescriptionCaches();
    expect(html(md, assetsOf('no-such-version'))).toBe(uncached(md, assetsOf('no-such-version')));
    expect(stored('no-such-version')).toBeUndefined();
    const id = version(md);
    getDb().insert(appLongDescriptions).values(compiledForImport(id, md)!).run();
    getDb().delete(apps).where(eq(apps.id, id)).run();
    expect(stored(id)).toBeUndefined();
  });

  it('stores nothing for a version without a LongDescription', () => {
    expect(compiledForImport('any', null)).toBeNull();
    expect(compiledForImport('any', '  \n')).toBeNull();
  });
});

