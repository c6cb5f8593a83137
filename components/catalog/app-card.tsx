// One catalog card: the title leads; the machine Name is secondary (cut short when long, never the version);
// the owner and the date of the last change that made the app visible close it. The whole card links to
// the app's details page, or (a MANAGED app with a running instance) straight to that instance.
import { appUrl } from '@/lib/urls';
import { AppIcon } from './app-icon';
import type { CardData, FacetTag } from './catalog-data';
import { TagChips } from './tag-chips';

export function AppCard({ card, facets }: { card: CardData; facets: FacetTag[] }) {
  const { openUrl, title } = card;
  const tags = card.tags.map((i) => ({ ...facets[i], kind: facets[i].category ? ('category' as const) : ('badge' as const) }));
  return (
    <li data-testid="app-card" data-app-name={card.name} className="card">
      <div className="card-head">
        <AppIcon url={card.icon} name={card.name} title={title} />
        <div className="min-w-0 flex-1">
          <h2 className="card-title">
            {openUrl ? (
              <a href={openUrl} className="card-link">
                {title}
                <span className="sr-only"> (opens the running app)</span>
              </a>
            ) : (
              <a href={appUrl(card.name)} className="card-link">
                {title}
              </a>
            )}
            {card.link && (
              <span className="ml-1 inline-block align-middle text-gray-600" title="Link app: opens an external site">
                <svg aria-hidden="true" viewBox="0 0 20 20" className="inline h-4 w-4" fill="currentColor">
                  <path d="M11 3h6v6h-2V6.41l-6.29 6.3-1.42-1.42L13.59 5H11V3z" />
                  <path d="M5 5h4v2H5v8h8v-4h2v6H3V5h2z" />
                </svg>
                <span className="sr-only"> (link app)</span>
              </span>
            )}
          </h2>
          <p className="card-meta">
            <span className="card-name">{card.name}</span>
            <span className="shrink-0">{card.version}</span>
          </p>
        </div>
      </div>
      {card.description && <p className="card-text">{card.description}</p>}
      <TagChips tags={tags} />
      <p className="card-foot">
        <span className="truncate">{`by ${card.owner}`}</span>
        <span className="shrink-0">
          updated <time dateTime={card.updated}>{card.updated}</time>
        </span>
      </p>
    </li>
  );
}
