'use client';
// The idle countdown of a DEPLOYED instance ("suspends after 4 min 12 s without traffic"), ticking every second.
import { useEffect, useState } from 'react';

/** "1 h 5 min", "4 min 12 s", "9 s" until `until`; null when nothing is scheduled. */
export function countdown(until: string | null, now: number): string | null {
  if (!until) return null;
  const s = Math.max(0, Math.round((Date.parse(until) - now) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** The time left before `until`, live. The server renders it once; the browser keeps it current. */
export function SuspendCountdown({ until }: { until: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span data-testid="suspend-countdown" suppressHydrationWarning>
      suspends after {countdown(until, now)} without traffic
    </span>
  );
}
