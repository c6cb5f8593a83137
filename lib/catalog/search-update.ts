// Brings an audience's search index (search-index.ts) from the previous head index to the next one
// (head-update.ts) without re-inverting every card: the cards whose document and tags' words are unchanged
// keep their postings, renumbered to their new positions; the others' postings come from the cached
// words (document-words.ts) and are merged in, word by word. The result equals a fresh build
// (head-update.test.ts).
import 'server-only';
import { dictionary, documentPostings } from './document-words';
import type { HeadIndex } from './head-index';
import { invert, saturated, type SearchIndex } from './search-index';

/** Counters for tests and the benchmark: updates done and cards whose postings were re-derived. */
export const searchUpdateStats = { updated: 0, rederived: 0 };

/** Positions (ascending) of a longest strictly increasing subsequence of `values` (entries < 0 skipped). */
function longestIncreasing(values: Int32Array): number[] {
  const tails: number[] = []; // positions: tails[k] ends an increasing run of length k + 1 with the least value
  const before = new Int32Array(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0) continue;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (values[tails[mid]] < values[i]) low = mid + 1;
      else high = mid;
    }
    before[i] = low > 0 ? tails[low - 1] : -1;
    tails[low] = i;
  }
  const run: number[] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = before[i]) run.push(i);
  return run.reverse();
}

/** `next`'s search index from `previous`'s (which must have one). */
export function updateSearchIndex(previous: HeadIndex, next: HeadIndex): SearchIndex {
  const old = previous.search!;
  const size = next.appIds.length;

  // A card keeps its postings if it is the same version with the same tags, whose names and titles are unchanged.
  const sameTag = new Map(previous.tags.map((t) => [t.id, `${t.name}\u0000${t.title}`]));
  const tagKept = next.tags.map((t) => sameTag.get(t.id) === `${t.name}\u0000${t.title}`);
  const candidate = new Int32Array(size).fill(-1); // the previous position of an unchanged card
  for (let i = 0; i < size; i++) {
    const doc = next.docIds[i];
    const j = doc < previous.byDoc.length ? previous.byDoc[doc] : -1;
    if (j < 0 || previous.appIds[j] !== next.appIds[i]) continue;
    const count = next.tagStart[i + 1] - next.tagStart[i];
    let same = count === previous.tagStart[j + 1] - previous.tagStart[j];
    for (let k = 0; same && k < count; k++) {
      const t = next.tagList[next.tagStart[i] + k];
      same = tagKept[t] && previous.tags[previous.tagList[previous.tagStart[j] + k]].id === next.tags[t].id;
    }
    if (same) candidate[i] = j;
  }
  // Tag lists are ascending by tag index; a rename can reorder them, which the comparison above counts as a
  // change (only for cards carrying a renamed tag, whose words changed anyway).

  // Kept cards must keep their relative order (postings stay ascending); a card that moved is re-derived.
  const renumber = new Int32Array(previous.appIds.length).fill(-1);
  const keptCount = new Uint8Array(size);
  for (const i of longestIncreasing(candidate)) {
    renumber[candidate[i]] = i;
    keptCount[i] = 1;
  }
  const added: number[] = [];
  for (let i = 0; i < size; i++) if (!keptCount[i]) added.push(i);
  searchUpdateStats.updated++;
  searchUpdateStats.rederived += added.length;

  const postings = documentPostings(next, added);
  const { words, order } = dictionary();
  const fresh = invert(postings, words, order);

  // Merge word by word: the previous postings renumbered (dropping cards that left or changed), and the added cards'.
  // Room for every previous posting and the added ones; the few of cards that left are the slack (views below).
  const docs = new Int32Array(old.docs.length + fresh.docs.length);
  const counts = new Uint32Array(docs.length);
  const overflow = new Map<number, number[]>();
  const terms: string[] = [];
  const start: number[] = [0];
  const oldDocs = old.docs;
  const oldCounts = old.counts;
  // Previous postings are visited in ascending order: their exact counts are met in key order.
  const exactAt = Int32Array.from(old.overflow.keys()).sort();
  let nextExact = 0;
  let at = 0;
  let a = 0;
  let b = 0;
  while (a < old.terms.length || b < fresh.terms.length) {
    const cmp = a >= old.terms.length ? 1 : b >= fresh.terms.length ? -1 : old.terms[a] < fresh.terms[b] ? -1 : old.terms[a] > fresh.terms[b] ? 1 : 0;
    const first = at;
    if (cmp < 0) {
      // Most words: only previous postings, renumbered in order.
      for (let p = old.start[a], end = old.start[a + 1]; p < end; p++) {
        const doc = renumber[oldDocs[p]];
        if (doc < 0) continue;
        docs[at] = doc;
        counts[at] = oldCounts[p];
        while (nextExact < exactAt.length && exactAt[nextExact] < p) nextExact++;
        if (nextExact < exactAt.length && exactAt[nextExact] === p) copyExact(old.overflow, p, overflow, at);
        at++;
      }
    } else {
      let p = cmp === 0 ? old.start[a] : 0;
      const pEnd = cmp === 0 ? old.start[a + 1] : 0;
      let q = fresh.start[b];
      const qEnd = fresh.start[b + 1];
      for (;;) {
        while (p < pEnd && renumber[oldDocs[p]] < 0) p++;
        const fromOld = p < pEnd ? renumber[oldDocs[p]] : -1;
        const fromNew = q < qEnd ? added[fresh.docs[q]] : -1;
        if (fromOld < 0 && fromNew < 0) break;
        if (fromNew < 0 || (fromOld >= 0 && fromOld < fromNew)) {
          docs[at] = fromOld;
          counts[at] = oldCounts[p];
          if (saturated(oldCounts[p])) copyExact(old.overflow, p, overflow, at);
          p++;
        } else {
          docs[at] = fromNew;
          counts[at] = fresh.counts[q];
          if (saturated(fresh.counts[q])) copyExact(fresh.overflow, q, overflow, at);
          q++;
        }
        at++;
      }
    }
    if (at > first) {
      terms.push(cmp <= 0 ? old.terms[a] : fresh.terms[b]);
      start.push(at);
    }
    if (cmp <= 0) a++;
    if (cmp >= 0) b++;
  }

  const lengths = new Int32Array(size);
  for (let j = 0; j < previous.appIds.length; j++) if (renumber[j] >= 0) lengths[renumber[j]] = old.lengths[j];
  added.forEach((i, d) => (lengths[i] = fresh.lengths[d]));
  let total = 0;
  for (let i = 0; i < size; i++) total += lengths[i];
  return {
    size,
    terms,
    start: Int32Array.from(start),
    docs: docs.subarray(0, at),
    counts: counts.subarray(0, at),
    overflow,
    lengths,
    averageLength: size > 0 ? total / size : 0,
  };
}

function copyExact(from: Map<number, number[]>, p: number, to: Map<number, number[]>, at: number): void {
  const exact = from.get(p);
  if (exact) to.set(at, exact);
}
