// The browser benchmark's pure pieces: request classes as Next's client and Chromium send them, the process
// tree from /proc, the statistics and the static reference page.
import { describe, expect, it } from 'vitest';
import { classifyRequest, countByClass, descendants, median, parentPid, percentile, schedstatRunNs, statCpuTicks, staticReference } from './browse-traffic';

const ORIGIN = 'http://127.0.0.1:4460';
// The headers Next's app router sets on a client navigation (app-router-headers.js).
const NAVIGATION = { RSC: '1', 'Next-Router-State-Tree': '%5B%22%22%5D', 'Next-Url': '/' };

describe('classifyRequest', () => {
  it('tells a document from a client navigation and a prefetch', () => {
    expect(classifyRequest(`${ORIGIN}/?q=model`, { Accept: 'text/html' }, 'Document', ORIGIN)).toBe('document');
    expect(classifyRequest(`${ORIGIN}/?category=a&_rsc=1x2y`, NAVIGATION, 'Fetch', ORIGIN)).toBe('rsc-navigation');
    expect(classifyRequest(`${ORIGIN}/apps/a?_rsc=1`, { ...NAVIGATION, 'Next-Router-Prefetch': '1' }, 'Fetch', ORIGIN)).toBe('rsc-prefetch');
    expect(classifyRequest(`${ORIGIN}/apps/a?_rsc=1`, { ...NAVIGATION, 'next-router-segment-prefetch': '/_tree' }, 'Fetch', ORIGIN)).toBe('rsc-prefetch');
  });

  it('counts the browser’s own prefetches (link rel=prefetch, speculation rules) as prefetches', () => {
    expect(classifyRequest(`${ORIGIN}/apps/a`, { 'Sec-Purpose': 'prefetch;prerender' }, 'Document', ORIGIN)).toBe('rsc-prefetch');
    expect(classifyRequest(`${ORIGIN}/apps/a`, { Purpose: 'prefetch' }, 'Other', ORIGIN)).toBe('rsc-prefetch');
    expect(classifyRequest(`${ORIGIN}/apps/a`, {}, 'Prefetch', ORIGIN)).toBe('rsc-prefetch');
  });

  it('tells icons and static files from the rest, and ignores other origins', () => {
    expect(classifyRequest(`${ORIGIN}/assets/4f2a/icon`, {}, 'Image', ORIGIN)).toBe('asset');
    expect(classifyRequest(`${ORIGIN}/_next/static/chunks/app.js`, {}, 'Script', ORIGIN)).toBe('static');
    expect(classifyRequest(`${ORIGIN}/_next/static/css/a.css`, {}, 'Stylesheet', ORIGIN)).toBe('static');
    expect(classifyRequest(`${ORIGIN}/favicon.ico`, {}, 'Other', ORIGIN)).toBe('other');
    expect(classifyRequest(`${ORIGIN}/api/health`, {}, 'Fetch', ORIGIN)).toBe('other');
    expect(classifyRequest('http://127.0.0.1:4461/', {}, 'Document', ORIGIN)).toBeNull();
    expect(classifyRequest('https://example.com/x.js', {}, 'Script', ORIGIN)).toBeNull();
  });

  it('does not take an RSC header with another value for a navigation', () => {
    expect(classifyRequest(`${ORIGIN}/`, { rsc: '0' }, 'Fetch', ORIGIN)).toBe('other');
  });
});

describe('countByClass', () => {
  it('lists every class, zero where none was sent', () => {
    expect(countByClass(['document', 'asset', 'asset'])).toEqual({ document: 1, 'rsc-navigation': 0, 'rsc-prefetch': 0, asset: 2, static: 0, other: 0 });
  });
});

describe('the process tree', () => {
  it('reads the parent pid even when the name holds spaces and parentheses', () => {
    expect(parentPid('4242 (node) S 4200 4242 4242 0 -1 4194560 6536 72157 0 56 3 3 60 85 20 0 11 0')).toBe(4200);
    expect(parentPid('4243 (next-server (v16)) S 4242 4242 4242 0 -1')).toBe(4242);
  });

  it('collects the descendants of a process and nothing else', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 12],
      [20, 1],
      [21, 20],
    ]);
    expect(descendants(10, parents).sort()).toEqual([10, 11, 12, 13]);
    expect(descendants(21, parents)).toEqual([21]);
  });

  it('reads a process’s user and system time in clock ticks', () => {
    expect(statCpuTicks('4243 (next-server (v16)) S 4242 4242 4242 0 -1 4194560 6536 72157 0 56 300 25 60 85 20 0 11 0')).toBe(325);
  });

  it('reads a thread’s run time in nanoseconds', () => {
    expect(schedstatRunNs('144968167 313321621 67\n')).toBe(144968167);
  });
});

describe('statistics', () => {
  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20 … 1
    expect(percentile(values, 0.5)).toBe(10);
    expect(percentile(values, 0.95)).toBe(19);
    expect(percentile(values, 1)).toBe(20);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('staticReference', () => {
  const page =
    '<!DOCTYPE html><html><head><link rel="stylesheet" href="/_next/static/css/a.css"/>' +
    '<link rel="preload" as="script" fetchPriority="low" href="/_next/static/chunks/w.js"/>' +
    '<script src="/_next/static/chunks/main.js" async=""></script></head><body><h2 data-testid="catalog-total">9988 apps</h2>' +
    '<template id="B:0"></template><p>Loading…</p><div hidden id="S:0"><img src="/assets/1/icon" alt="" loading="lazy" class="app-icon"/></div>' +
    '<script nonce="n0">self.__next_f.push([1,"x\\u003c/script>"])</script><script>$RC("B:0","S:0")</script></body></html>';

  it('keeps the size, the content (the streamed part shown) and the stylesheet, and drops scripts and what would fetch more', () => {
    const reference = staticReference(page);
    expect(Buffer.byteLength(reference)).toBe(Buffer.byteLength(page));
    expect(reference).toContain('data-testid="catalog-total"');
    expect(reference).toContain('<div id="S:0">');
    expect(reference).not.toContain('hidden');
    expect(reference).not.toContain('<script');
    expect(reference).toContain('/_next/static/css/a.css');
    expect(reference).not.toContain('main.js');
    expect(reference).not.toContain('w.js');
    expect(reference).not.toContain('<img');
  });

  it('pads at the end when the page has no closing body tag', () => {
    const reference = staticReference(page.replace('</body></html>', ''));
    expect(Buffer.byteLength(reference)).toBe(Buffer.byteLength(page.replace('</body></html>', '')));
  });
});
