'use client';
// The catalog's links (facets, cards, sort order, pages: some 80 per page) are plain anchors, followed in
// place by this one click handler on the results (lib/catalog/in-place-click.ts says which), instead of one
// next/link each: a Link is a client component with its own hooks, rendered on the server for every page (5 % of the
// server's CPU for a search) to do, on a click, what this does. Prefetching was off on them anyway
// (lib/architecture.test.ts), and without JavaScript they are the same plain links.
import { useRouter } from 'next/navigation';
import type { MouseEvent } from 'react';
import { followsInPlace } from '@/lib/catalog/in-place-click';

/** The click handler for a region of catalog links (modified clicks, new tabs, downloads and other paths are the browser's). */
export function useInPlaceLinks(): (event: MouseEvent<HTMLElement>) => void {
  const router = useRouter();
  return (event) => {
    const anchor = (event.target as Element).closest<HTMLAnchorElement>('a[href]');
    if (!anchor || !event.currentTarget.contains(anchor) || !followsInPlace(event, anchor, window.location.origin)) return;
    event.preventDefault();
    router.push(`${anchor.pathname}${anchor.search}${anchor.hash}`);
  };
}
