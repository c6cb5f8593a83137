'use client';
// The catalog's filters beside the results on wide screens; on narrow ones (below Tailwind's `md`) they
// fold behind a "Filters" button, so the first app is near the top of a phone's screen (issue 16 item 11).
import { useId, useState, type ReactNode } from 'react';

export function FiltersPanel({ chosen, children }: { chosen: number; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        className="mb-3 rounded-md border border-gray-400 bg-white px-3 py-1.5 text-sm font-medium text-gray-900 hover:bg-gray-100 md:hidden"
      >
        Filters{chosen > 0 ? ` (${chosen})` : ''}
      </button>
      <div id={id} className={open ? 'block' : 'hidden md:block'} data-testid="catalog-filters">
        {children}
      </div>
    </div>
  );
}
