'use client';
// The catalog's cards, rendered from the few fields a card shows. A client component on purpose: the
// server sends each card's data once in the React payload (a few hundred bytes) instead of its whole
// element tree, which would repeat the card's HTML a second time (issue 15: the page weight).
import type { CardData } from './app-card';
import { AppCard } from './app-card';

export function CardGrid({ cards }: { cards: CardData[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {cards.map((card) => (
        <AppCard key={card.name} card={card} />
      ))}
    </ul>
  );
}
