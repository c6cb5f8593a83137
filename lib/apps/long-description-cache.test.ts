import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { renderLongDescription, type MarkdownAssets } from '@/lib/catalog/markdown';
import { cachedLongDescription, COMPILED_CACHE, LONG_DESCRIPTION_CACHE, longDescriptionCacheSize, resetLongDescriptionCaches } from './long-description-cache';

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
