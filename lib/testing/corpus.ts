// Test helper: the shared corpus of real-world files, read in place from `../shared/corpus` beside the
// repository root (it is not part of the repository). Absent, its tests are skipped with a visible message,
// except under CI (`CI` set), where a missing corpus fails the run instead of passing it silently.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS_ROOT = path.resolve(REPO_ROOT, '..', 'shared', 'corpus');

/** `describe` over a corpus folder (e.g. `appignore`), given its absolute path; never a silent skip. */
export function describeCorpus(folder: string, title: string, body: (dir: string) => void): void {
  const dir = path.join(CORPUS_ROOT, folder);
  if (existsSync(dir)) {
    describe(title, () => body(dir));
    return;
  }
  const message = `Corpus folder ${dir} is missing: "${title}" cannot run.`;
  if (process.env.CI) {
    describe(title, () => {
      test('the shared corpus is present (required under CI)', () => {
        throw new Error(`${message} CI must check out shared/ beside the repository.`);
      });
    });
    return;
  }
  console.warn(`SKIPPED: ${message} Put the shared corpus at ${CORPUS_ROOT} to run it.`);
  describe.skip(title, () => test('needs the shared corpus', () => undefined));
}
