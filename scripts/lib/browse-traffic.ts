// The pure pieces of the browser benchmark (scripts/bench-browse.ts): what kind of request a browser sent to
// the portal, the process tree's CPU time from /proc, the static reference page, and the statistics.

/** The kinds of request a page view sends to the portal. */
export const REQUEST_CLASSES = ['document', 'rsc-navigation', 'rsc-prefetch', 'asset', 'static', 'other'] as const;
export type RequestClass = (typeof REQUEST_CLASSES)[number];

/**
 * The class of one request the browser sent to `origin` (null for another origin). `headers` as the page
 * set them (any case); `resourceType` as the DevTools protocol names it (Document, Fetch, Image, Prefetch, …).
 * A prefetch is anything marked as one: Next's router headers (`Next-Router-Prefetch`, the segment prefetch
 * of newer versions), the browser's `Purpose`/`Sec-Purpose: prefetch` (`<link rel=prefetch>`, speculation
 * rules) or the Prefetch resource type; an RSC request that is not one is a client navigation.
 */
export function classifyRequest(url: string, headers: Record<string, string>, resourceType: string, origin: string): RequestClass | null {
  const parsed = new URL(url);
  if (parsed.origin !== new URL(origin).origin) return null;
  const header = (name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  if (parsed.pathname.startsWith('/_next/static/')) return 'static';
  const purpose = `${header('purpose') ?? ''} ${header('sec-purpose') ?? ''}`.toLowerCase();
  if (header('next-router-prefetch') !== undefined || header('next-router-segment-prefetch') !== undefined || purpose.includes('prefetch') || resourceType === 'Prefetch') {
    return 'rsc-prefetch';
  }
  if (header('rsc') === '1') return 'rsc-navigation';
  if (resourceType === 'Document') return 'document';
  if (parsed.pathname.startsWith('/assets/')) return 'asset';
  return 'other';
}

/** Per class, how many requests: every class present, 0 where none was sent. */
export function countByClass(classes: RequestClass[]): Record<RequestClass, number> {
  const counts = Object.fromEntries(REQUEST_CLASSES.map((c) => [c, 0])) as Record<RequestClass, number>;
  for (const c of classes) counts[c]++;
  return counts;
}

/** The parent pid of a process, from the text of its /proc/<pid>/stat (the name may hold spaces and parentheses). */
export function parentPid(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** `root` and every process below it, given each process's parent (pid → ppid). */
export function descendants(root: number, parents: Map<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (tree.includes(pid)) continue;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** User + system CPU time of a process in clock ticks (USER_HZ, 100 a second), from its /proc/<pid>/stat. */
export function statCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Nanoseconds a thread has run, from its /proc/<pid>/task/<tid>/schedstat (`run wait slices`). */
export function schedstatRunNs(schedstat: string): number {
  return Number(schedstat.trim().split(/\s+/)[0]);
}

/** The q-quantile (0–1) by the nearest-rank method; NaN for no values. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** The median: the middle value, or the mean of the two middle ones. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The reference page: the catalog page's HTML as a static file of the same size, without what would make
 * the browser ask the server for more or run code: scripts (Next's client, the React payload, and the inline
 * script that moves the streamed results into place, which the Content-Security-Policy would block anyway:
 * its nonce was the page's), script preloads and images. The streamed results are shown where they were
 * sent (`<div hidden id="S:0">` loses `hidden`), the stylesheets stay (the browser has them cached), and a
 * comment pads the file to the page's byte length.
 */
export function staticReference(html: string): string {
  const stripped = html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
    .replace(/<link\b[^>]*\brel="(?:preload|modulepreload)"[^>]*>/gi, '')
    .replace(/<img\b[^>]*>/gi, '')
    .replace(/<div hidden(?:="")? id="S:/g, '<div id="S:');
  const padding = Buffer.byteLength(html) - Buffer.byteLength(stripped) - '<!---->'.length;
  if (padding < 0) return stripped;
  const comment = `<!--${'x'.repeat(padding)}-->`;
  return /<\/body>/i.test(stripped) ? stripped.replace(/<\/body>/i, () => `${comment}</body>`) : stripped + comment;
}
