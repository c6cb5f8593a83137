// How the portal writes times: minutes in UTC, the same on every page and server.

/** `2026-11-28 05:42 UTC` */
export const formatUtc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
