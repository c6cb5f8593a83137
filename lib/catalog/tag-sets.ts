// The facet counts and selection of a search's matches counted per tag over bitsets of heads, instead of
// walking every matching head's tag list: when a search matches a large share of the catalog (tens of
// thousands of heads at 100,000 apps), a facet tag's count is a popcount over n/32 words, whatever the matches.
// index-query.ts chooses between the two by their cost; both give the same counts (index-query.test.ts).
import 'server-only';
import type { HeadIndex } from './head-index';

/** A filter's selection and facet counts (index-query.ts's Filtered). */
export interface Filtered {
  selected: Int32Array;
  categoryCounts: Int32Array;
  badgeCounts: Int32Array;
}

/**
 * Per index: each facet tag's heads, as a bitset over heads (bit h of word h >>> 5) when it holds more than
 * one head in 32, else as a list of heads (then it takes less room than the bits, and fewer steps to count).
 * At most 4 bytes per tag of a head, the size of the index's tag lists; and three scratch bitsets.
 */
export interface TagSets {
  words: number;
  bits: (Uint32Array | null)[];
  lists: (Int32Array | null)[];
  /** The steps a count of every facet tag takes (words or list entries): what counting by sets costs. */
  cost: number;
  /** The same for the categories alone and the badges alone, and which tags are of each kind. */
  categoryCost: number;
  badgeCost: number;
  isCategory: Uint8Array;
  isBadge: Uint8Array;
  match: Uint32Array;
  withCategory: Uint32Array;
  withBadge: Uint32Array;
  /** Scratch for a caller's selection (index-query.ts's denseSearch). */
  selection: Uint32Array;
}

const sets = new WeakMap<HeadIndex, TagSets>();

export function tagSetsOf(index: HeadIndex): TagSets {
  let found = sets.get(index);
  if (found) return found;
  const n = index.appIds.length;
  const words = (n + 31) >>> 5;
  const sizes = new Int32Array(index.tags.length);
  for (let j = 0; j < index.tagList.length; j++) sizes[index.tagList[j]]++;
  const bits: (Uint32Array | null)[] = [];
  const lists: (Int32Array | null)[] = [];
  let categoryCost = 0;
  let badgeCost = 0;
  index.tags.forEach((tag, t) => {
    const facet = tag.isCategory || tag.isBadge;
    const dense = facet && sizes[t] * 32 > n;
    bits.push(dense ? new Uint32Array(words) : null);
    lists.push(facet && !dense ? new Int32Array(sizes[t]) : null);
    if (tag.isCategory) categoryCost += dense ? words : sizes[t];
    if (tag.isBadge) badgeCost += dense ? words : sizes[t];
  });
  const filled = new Int32Array(index.tags.length);
  for (let head = 0; head < n; head++) {
    for (let j = index.tagStart[head]; j < index.tagStart[head + 1]; j++) {
      const t = index.tagList[j];
      const set = bits[t];
      if (set) set[head >>> 5] |= 1 << (head & 31);
      else if (lists[t]) lists[t]![filled[t]++] = head;
    }
  }
  found = {
    words,
    bits,
    lists,
    cost: categoryCost + badgeCost,
    categoryCost,
    badgeCost,
    isCategory: Uint8Array.from(index.tags, (t) => +t.isCategory),
    isBadge: Uint8Array.from(index.tags, (t) => +t.isBadge),
    match: new Uint32Array(words),
    withCategory: new Uint32Array(words),
    withBadge: new Uint32Array(words),
    selection: new Uint32Array(words),
  };
  sets.set(index, found);
  return found;
}

/** The number of set bits of a 32-bit word. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** How many of tag t's heads are in `within`. */
function countWithin(sets: TagSets, t: number, within: Uint32Array): number {
  let count = 0;
  const bits = sets.bits[t];
  if (bits) {
    for (let w = 0; w < sets.words; w++) count += popcount(bits[w] & within[w]);
  } else {
    const list = sets.lists[t]!;
    for (let i = 0; i < list.length; i++) count += (within[list[i] >>> 5] >>> (list[i] & 31)) & 1;
  }
  return count;
}

/**
 * Each tag of one kind (`kind`, a mask over tags)'s count of the heads in `within`, into `counts`: by the tags'
 * sets (`cost` steps), or by walking those heads' tag lists when they are few enough to take fewer steps (a
 * search's matches narrowed by a category: a few thousand heads where the badges' sets are 38 bitsets).
 */
export function countFacet(index: HeadIndex, sets: TagSets, kind: Uint8Array, cost: number, within: Uint32Array, counts: Int32Array): void {
  let heads = 0;
  for (let w = 0; w < sets.words; w++) heads += popcount(within[w]);
  if ((heads * index.tagList.length) / Math.max(1, index.appIds.length) < cost) {
    const { tagStart, tagList } = index;
    for (let w = 0; w < sets.words; w++) {
      for (let x = within[w]; x !== 0; x &= x - 1) {
        const head = (w << 5) | (31 - Math.clz32(x & -x));
        for (let j = tagStart[head], end = tagStart[head + 1]; j < end; j++) if (kind[tagList[j]]) counts[tagList[j]]++;
      }
    }
    return;
  }
  for (let t = 0; t < kind.length; t++) if (kind[t]) counts[t] = countWithin(sets, t, within);
}

/** `into` := the heads of the tags in `mask` (any of them) that are in `match`. */
function anyOf(sets: TagSets, mask: Uint8Array, match: Uint32Array, into: Uint32Array): void {
  into.fill(0);
  for (let t = 0; t < mask.length; t++) {
    if (!mask[t]) continue;
    const bits = sets.bits[t];
    if (bits) for (let w = 0; w < sets.words; w++) into[w] |= bits[w];
    else {
      const list = sets.lists[t];
      if (list) for (let i = 0; i < list.length; i++) into[list[i] >>> 5] |= 1 << (list[i] & 31);
    }
  }
  for (let w = 0; w < sets.words; w++) into[w] &= match[w];
}

/** A selection over bitsets: the heads in `withCategory` and `withBadge` (either may be the matches themselves), and the facet counts. */
export interface FilteredBits {
  withCategory: Uint32Array;
  withBadge: Uint32Array;
  categoryCounts: Int32Array;
  badgeCounts: Int32Array;
}

/**
 * The matches `match` (a bitset over heads) in any `category` tag and the `badge` tag (masks over tag indexes,
 * null for no filter), category counts over the matches with the badge, badge counts over the matches in the
 * categories. Only facet tags are counted (of their own kind: the only counts a page shows); the others' counts
 * are 0. The bitsets returned are the index's scratch (or `match`), valid until its next search.
 */
export function filterBits(
  index: HeadIndex,
  match: Uint32Array,
  category: Uint8Array | null,
  badge: Uint8Array | null,
  /** The category counts over the whole of `match`, when the caller has them (used only without a badge filter). */
  matchCategoryCounts?: Int32Array,
): FilteredBits {
  const sets = tagSetsOf(index);
  const withCategory = category ? sets.withCategory : match;
  if (category) anyOf(sets, category, match, withCategory);
  const withBadge = badge ? sets.withBadge : match;
  if (badge) anyOf(sets, badge, match, withBadge);
  let categoryCounts = !badge ? matchCategoryCounts : undefined;
  if (!categoryCounts) {
    categoryCounts = new Int32Array(index.tags.length);
    countFacet(index, sets, sets.isCategory, sets.categoryCost, withBadge, categoryCounts);
  }
  const badgeCounts = new Int32Array(index.tags.length);
  countFacet(index, sets, sets.isBadge, sets.badgeCost, withCategory, badgeCounts);
  return { withCategory, withBadge, categoryCounts, badgeCounts };
}

/** filter()'s result for the matching `heads` (ascending), over bitsets (filterBits), the selection into `into`. */
export function filterBySets(index: HeadIndex, heads: Int32Array, category: Uint8Array | null, badge: Uint8Array | null, into: Int32Array): Filtered {
  const sets = tagSetsOf(index);
  const { match, words } = sets;
  match.fill(0);
  for (let i = 0; i < heads.length; i++) match[heads[i] >>> 5] |= 1 << (heads[i] & 31);
  const { withCategory, withBadge, categoryCounts, badgeCounts } = filterBits(index, match, category, badge);
  if (!category && !badge) {
    into.set(heads);
    return { selected: into.subarray(0, heads.length), categoryCounts, badgeCounts };
  }
  let count = 0;
  for (let w = 0; w < words; w++) {
    for (let x = withCategory[w] & withBadge[w]; x !== 0; x &= x - 1) into[count++] = (w << 5) | (31 - Math.clz32(x & -x));
  }
  return { selected: into.subarray(0, count), categoryCounts, badgeCounts };
}
