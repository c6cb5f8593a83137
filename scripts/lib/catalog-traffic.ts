// The catalog traffic the benchmarks send (bench-catalog.ts) and the profiles and side-by-side runs replay
// (profile-pages.ts, cpu-ab.ts): different searches, app pages and catalog pages, each run the same sequence.
import { rng, VOCABULARY } from './catalog-seed';

/** Endless distinct-looking request paths for one kind of traffic. */
export type PathSource = () => string;

export function searches(categories: string[]): PathSource {
  const random = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  // A word, or its prefix of at least three letters, as people type while the results update.
  const word = () => {
    const w = pick(VOCABULARY);
    return random() < 0.5 ? w : w.slice(0, 3 + Math.floor(random() * (w.length - 2)));
  };
  return () => {
    const q = random() < 0.5 ? word() : `${word()} ${word()}`;
    const query = new URLSearchParams({ q });
    if (random() < 0.5) query.set('category', pick(categories));
    return `/?${query}`;
  };
}

export function appPages(names: string[]): PathSource {
  const random = rng(11);
  return () => `/apps/${names[Math.floor(random() * names.length)]}`;
}

export function catalogPages(categories: string[]): PathSource {
  const random = rng(13);
  return () => (random() < 0.5 ? '/' : `/?category=${categories[Math.floor(random() * categories.length)]}`);
}
