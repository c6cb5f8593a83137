// How the portal writes times and sizes, the same on every page, server and command.

/** Last-seen and last-used times are kept to the minute: a write at most once a minute per user or token. */
export const dueForTouch = (last: Date | null, now: number): boolean => !last || now - last.getTime() >= 60_000;

/** `2026-11-28 05:42 UTC` */
export const formatUtc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** `2026-11-28`: a date (UTC) where the time of day does not matter. */
export const formatUtcDate = (d: Date) => d.toISOString().slice(0, 10);

/** A byte count a person can read: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}
