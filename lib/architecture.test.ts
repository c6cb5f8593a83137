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
