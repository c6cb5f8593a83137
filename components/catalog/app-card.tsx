// One catalog card: the whole card links to the app's details page, or (a MANAGED app with a running
// instance) straight to that instance.
import Link from 'next/link';
import type { CatalogCard } from '@/lib/catalog/catalog';
import { AppIcon } from './app-icon';
import { TagChips } from './tag-chips';
import { appUrl } from '@/lib/urls';

export function AppCard({ card, openUrl }: { card: CatalogCard; openUrl?: string }) {
  const title = card.title || card.name;
  return (
    <li data-testid="app-card" data-app-name={card.name} className="relative flex flex-col gap-3 rounded-lg border border-gray-200 bg-white p-4 shadow-sm focus-within:ring-2 focus-within:ring-blue-700 hover:border-blue-300">
      <div className="flex items-start gap-3">
        <AppIcon url={card.iconUrl} name={card.name} title={title} />
        <div className="min-w-0 flex-1">
          <h2 className="text-base font-semibold text-gray-900">
            {openUrl ? (
              <a href={openUrl} className="outline-none after:absolute after:inset-0 after:content-['']">
                {title}
                <span className="sr-only"> (opens the running app)</span>
              </a>
            ) : (
              <Link href={appUrl(card.name)} className="outline-none after:absolute after:inset-0 after:content-['']">
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
          <p className="truncate text-xs text-gray-600">
            {card.name} · {card.version}
          </p>
        </div>
      </div>
      {card.description && <p className="line-clamp-3 text-sm text-gray-700">{card.description}</p>}
      <TagChips tags={card.tags} />
    </li>
  );
}
