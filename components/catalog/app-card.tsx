// One catalog card: the whole card links to the app's details page, or (a MANAGED app with a running
// instance) straight to that instance.
import Link from 'next/link';
import type { CatalogCard } from '@/lib/catalog/catalog';
import type { TagChip } from '@/lib/tags/chip';
import { AppIcon } from './app-icon';
import { TagChips } from './tag-chips';
import { appUrl } from '@/lib/urls';
import { formatUtcDate } from '@/lib/format';

/** What a card shows, and nothing more: it is sent to the browser as the card grid's props. */
export type CardData = Pick<CatalogCard, 'name' | 'version' | 'title' | 'description' | 'kind' | 'iconUrl' | 'owner'> & {
  /** `YYYY-MM-DD` (UTC) of the last change that made the app visible. */
  updated: string;
  tags: Pick<TagChip, 'name' | 'title' | 'color' | 'kind'>[];
  /** The running instance a MANAGED app's card opens directly. */
  openUrl?: string;
};

export const cardData = (card: CatalogCard, openUrl?: string): CardData => ({
  ...(openUrl ? { openUrl } : {}),
  name: card.name,
  version: card.version,
  title: card.title,
  description: card.description,
  kind: card.kind,
  iconUrl: card.iconUrl,
  owner: card.owner,
  updated: formatUtcDate(new Date(card.updatedAt)),
  tags: card.tags.flatMap(({ name, title, color, kind }) => (kind === 'authorization' ? [] : [{ name, title, color, kind }])),
});

export function AppCard({ card }: { card: CardData }) {
  const { openUrl } = card;
  const title = card.title || card.name;
  return (
    <li data-testid="app-card" data-app-name={card.name} className="card">
      <div className="card-head">
        <AppIcon url={card.iconUrl} name={card.name} title={title} />
        <div className="min-w-0 flex-1">
          <h2 className="card-title">
            {openUrl ? (
              <a href={openUrl} className="card-link">
                {title}
                <span className="sr-only"> (opens the running app)</span>
              </a>
            ) : (
              <Link href={appUrl(card.name)} className="card-link">
                {title}
              </Link>
            )}
            {card.kind === 'link' && (
              <span className="ml-1 inline-block align-middle text-gray-600" title="Link app: opens an external site">
                <svg aria-hidden="true" viewBox="0 0 20 20" className="inline h-4 w-4" fill="currentColor">
                  <path d="M11 3h6v6h-2V6.41l-6.29 6.3-1.42-1.42L13.59 5H11V3z" />
                  <path d="M5 5h4v2H5v8h8v-4h2v6H3V5h2z" />
                </svg>
                <span className="sr-only"> (link app)</span>
              </span>
            )}
          </h2>
          <p className="card-meta" data-testid="card-name">
            <span className="card-name">{card.name}</span>
            <span className="shrink-0">{card.version}</span>
          </p>
        </div>
      </div>
      {card.description && <p className="card-text">{card.description}</p>}
      <TagChips tags={card.tags} />
      <p className="card-foot" data-testid="card-foot">
        <span className="truncate">by {card.owner}</span>
        <span className="shrink-0">
          updated <time dateTime={card.updated}>{card.updated}</time>
        </span>
      </p>
    </li>
  );
}
