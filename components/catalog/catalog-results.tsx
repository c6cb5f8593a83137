'use client';
// The catalog's filters and cards. One client component on purpose: the server sends the tags once (the
// facets with their counts; cards refer to them by position) and each card's few fields once, instead of
// a second copy of every card's and facet link's element tree in the React payload (issue 15: the page
// weight). The links are built here from the URL state. The column of filters is there whenever tags are
// shown, even with nothing to list, so the results do not move sideways from one search to the next; on
// narrow screens it folds behind a "Filters" button (issue 16 item 11).
import { useId, useState, type ReactNode } from 'react';
import { catalogHref, toggleCategory, type CatalogParams } from '@/lib/catalog/search-query';
import { AppCard } from './app-card';
import { facetTags, type CardData, type FacetTag, type FacetTuple } from './catalog-data';
import { FacetList, type FacetLink } from './facet-list';
import { useInPlaceLinks } from './in-place-links';

function FiltersPanel({ chosen, children }: { chosen: number; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        className="mb-3 rounded-md border border-gray-400 bg-white px-3 py-1.5 text-sm font-medium text-gray-900 hover:bg-gray-100 md:hidden"
      >
        Filters{chosen > 0 ? ` (${chosen})` : ''}
      </button>
      <div id={id} className={`space-y-5 ${open ? '' : 'max-md:hidden'}`}>
        {children}
      </div>
    </>
  );
}

function Filters({ params, facets }: { params: CatalogParams; facets: FacetTag[] }) {
  // Categories combine (any-of: each link adds or removes its category); one badge at a time.
  const categories: FacetLink[] = [];
  const badges: FacetLink[] = [];
  for (const tag of facets) {
    if (tag.count < 0) continue;
    if (tag.category) {
      categories.push({ ...tag, chosen: params.categories.includes(tag.name), href: catalogHref(params, { categories: toggleCategory(params.categories, tag.name), page: 1 }) });
    } else {
      badges.push({ ...tag, chosen: params.badge === tag.name, href: catalogHref(params, { badge: tag.name, page: 1 }) });
    }
  }
  return (
    // Keyed by the URL: a chosen filter shows its results with the panel folded again.
    <FiltersPanel key={catalogHref(params)} chosen={params.categories.length + (params.badge ? 1 : 0)}>
      <FacetList label="Categories" options={categories} clearHref={catalogHref(params, { categories: [], page: 1 })} />
      <FacetList label="Badges" options={badges} clearHref={catalogHref(params, { badge: '', page: 1 })} />
      {categories.length === 0 && badges.length === 0 && <p className="text-sm text-gray-700">No categories or badges for these results.</p>}
    </FiltersPanel>
  );
}

export function CatalogResults({
  params,
  showTags,
  categories,
  badges,
  cards,
  heading,
  empty,
  pagination,
}: {
  params: CatalogParams;
  showTags: boolean;
  categories: FacetTuple[];
  badges: FacetTuple[];
  cards: CardData[];
  /** Rendered on the server: the count and sort links, the empty state, the page links. */
  heading: ReactNode;
  empty: ReactNode;
  pagination: ReactNode;
}) {
  const facets = facetTags({ categories, badges });
  const followInPlace = useInPlaceLinks();
  return (
    // Its links (filters, cards, and the sort and page links the server rendered) are followed in place from here.
    <div className={showTags ? 'grid gap-6 md:grid-cols-[14rem_1fr]' : ''} onClick={followInPlace}>
      {showTags && (
        <aside aria-label="Filters">
          <Filters params={params} facets={facets} />
        </aside>
      )}
      <section aria-labelledby="catalog-results" className="min-w-0 space-y-4">
        {heading}
        {cards.length === 0 ? (
          empty
        ) : (
          <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3">
            {cards.map((card) => (
              <AppCard key={card.name} card={card} facets={facets} />
            ))}
          </ul>
        )}
        {pagination}
      </section>
    </div>
  );
}
