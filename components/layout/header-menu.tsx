'use client';
// A header drop-down (Admin, account) on <details>: it closes on Escape (focus back on its button), on a click
// or focus outside it, and on navigation; opening one closes the other.

import { usePathname } from 'next/navigation';
import { useEffect, useRef, type ReactNode } from 'react';

export function HeaderMenu({ summary, children, testId }: { summary: ReactNode; children: ReactNode; testId: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();

  useEffect(() => {
    ref.current?.removeAttribute('open');
  }, [pathname]);

  useEffect(() => {
    const close = () => ref.current?.removeAttribute('open');
    const outside = (event: Event) => {
      const menu = ref.current;
      if (menu?.open && event.target instanceof Node && !menu.contains(event.target)) close();
    };
    const onKey = (event: KeyboardEvent) => {
      const menu = ref.current;
      if (event.key !== 'Escape' || !menu?.open) return;
      close();
      menu.querySelector('summary')?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('focusin', outside);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('focusin', outside);
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  return (
    // `name` makes the header's menus exclusive: opening one closes the other.
    <details ref={ref} name="header-menu" className="relative text-sm" data-testid={testId}>
      {summary}
      {children}
    </details>
  );
}
