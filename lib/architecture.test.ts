// The layout's rules, checked over the source tree: components import only from lib/ and components/,
// and only lib/config.ts reads the environment (test helpers aside).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
    .filter((f) => /\.(ts|tsx|mjs)$/.test(f))
    .map((f) => path.join(dir, f));
}

const isTestCode = (file: string) => /\.test\.tsx?$/.test(file) || file.startsWith(`lib${path.sep}testing${path.sep}`);

describe('dependency direction', () => {
  it('components import from lib/ and components/ only, never from app/', () => {
    const offenders = sources('components').filter((f) => /from '@\/app\/|from '\.\.\/+app\//.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('nothing but lib/config.ts reads process.env', () => {
    const files = [...sources('lib'), ...sources('app'), ...sources('components'), 'server.ts'].filter((f) => !isTestCode(f));
    const readers = files.filter((f) => fs.readFileSync(path.join(root, f), 'utf8').includes('process.env'));
    expect(readers).toEqual([path.join('lib', 'config.ts')]);
  });
});

describe('links', () => {
  // Every page of the portal is rendered per request (it depends on the viewer), so a prefetched link brings
  // only its loading shell, at the price of a request to the server for each link in view on each page load:
  // a catalog page's 24 cards, 50 facets and the header made 22 to 85 of them, five times the page's own CPU
  // (issue 15). A click still navigates in place, fetching the page then.
  it('every next/link Link turns prefetching off', () => {
    const files = [...sources('app'), ...sources('components')].filter((f) => f.endsWith('.tsx'));
    const offenders: string[] = [];
    let links = 0;
    for (const file of files) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      if (!/from 'next\/link'/.test(text)) continue;
      for (const match of text.matchAll(/<Link(?![\w.])\s+(\S+)/g)) {
        links++;
        if (match[1] !== 'prefetch={false}') offenders.push(`${file}: ${match[0]}`);
      }
    }
    expect(links).toBeGreaterThan(40);
    expect(offenders).toEqual([]);
  });
});
