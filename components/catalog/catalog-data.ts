// What the catalog's client component receives: each tag once (the facets, with their counts), and the
// cards with only the fields they show, their tags as positions in that list. Every byte here is sent in
// the React payload beside the HTML (issue 15: a catalog page with 24 cards ≤ 64 KB).
import type { CatalogCard, CatalogPage, FacetOption } from '@/lib/catalog/catalog';
import { formatUtcDate } from '@/lib/format';

/**
 * A category or badge with its count, as a tuple: the field names of 50 tags would otherwise be sent (twice
 * over, escaped inside a script) with every page. A count of -1: a tag on a card that the facets do not list.
 */
export type FacetTuple = [name: string, title: string, color: string, count: number];

/** The facet tags as the components read them: categories first, then badges. */
export interface FacetTag extends FacetOption {
  category: boolean;
}

export interface Facets {
  categories: FacetTuple[];
  badges: FacetTuple[];
}

/** Categories then badges, in the order cards refer to them. */
export const facetTags = ({ categories, badges }: Facets): FacetTag[] =>
  [...categories.map((t) => [t, true] as const), ...badges.map((t) => [t, false] as const)].map(([[name, title, color, count], category]) => ({ name, title, color, count, category }));

/** A card as sent to the browser: part of the card shape of the read model (lib/apps/read.ts), with its tags as positions. */
export type CardData = Pick<CatalogCard, 'name' | 'version' | 'title' | 'description' | 'icon' | 'owner'> & {
  /** `YYYY-MM-DD` (UTC) of the last change that made the app visible. */
  updated: string;
  /** Positions in the facet tags (categories, then badges). */
  tags: number[];
  /** A LINK app: opens an external site. */
  link?: true;
  /** The running instance a MANAGED app's card opens directly. */
  openUrl?: string;
};

const tuple = (o: FacetOption): FacetTuple => [o.name, o.title, o.color, o.count];
const NONE = '#4b5563';

/**
 * The facets (a chosen tag with no matches still listed, so it can be cleared) and the cards. Every category
 * and badge on a card is counted in the facets, as the card is among the results they count; one that
 * somehow is not is appended with a count of -1 (shown on the card, not as a filter).
 */
export function catalogData(
  result: CatalogPage,
  chosen: { categories: string[]; badge: string },
  openUrls?: Map<string, string>,
): Facets & { cards: CardData[] } {
  const categories = result.categories.map(tuple);
  for (const name of chosen.categories) if (!categories.some(([n]) => n === name)) categories.push([name, name, NONE, 0]);
  const badges = result.badges.map(tuple);
  if (chosen.badge && !badges.some(([n]) => n === chosen.badge)) badges.push([chosen.badge, chosen.badge, NONE, 0]);
  const cardTags = result.cards.map((card) => card.tags.filter((t) => t.kind !== 'authorization'));
  for (const tags of cardTags) {
    for (const t of tags) {
      const list = t.kind === 'category' ? categories : badges;
      if (!list.some(([n]) => n === t.name)) list.push([t.name, t.title, t.color, -1]);
    }
  }
  const position = (t: CatalogCard['tags'][number]): number =>
    t.kind === 'category' ? categories.findIndex(([n]) => n === t.name) : categories.length + badges.findIndex(([n]) => n === t.name);
  const cards = result.cards.map((card, i): CardData => {
    const openUrl = openUrls?.get(card.id);
    return {
      name: card.name,
      version: card.version,
      title: card.title,
      description: card.description,
      icon: card.icon,
      owner: card.owner,
      updated: formatUtcDate(new Date(card.updatedAt)),
      tags: cardTags[i].map(position),
      ...(card.kind === 'link' ? { link: true as const } : {}),
      ...(openUrl ? { openUrl } : {}),
    };
  });
  return { categories, badges, cards };
}
