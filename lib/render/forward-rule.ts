// Which requests the primary server may hand to a render worker (lib/render/pool.ts): only the catalog's read
// pages — `/` (searches, categories) and an app's pages `/apps/<name>` and `/apps/<name>/<version>`, with their
// RSC fetches — asked with GET or HEAD, without a body, not an upgrade, not a server action. They read the
// database and the viewer (through lib/auth, in the worker) and nothing of the primary's memory. Everything
// else (API, server actions, sign-in, admin, instances, uploads, static files) stays in the primary.
import type { IncomingHttpHeaders } from 'node:http';

export interface ForwardCandidate {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}

/** `/`, `/apps/<name>`, `/apps/<name>/<version>` (not `/apps/<name>/<version>/visit`, a route handler). */
const CATALOG_READ_PAGE = /^\/(?:apps\/[^/]+(?:\/[^/]+)?)?$/;

export function isCatalogReadPage(pathname: string): boolean {
  return CATALOG_READ_PAGE.test(pathname);
}

export function rendersInWorker(req: ForwardCandidate): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const h = req.headers;
  if (h.upgrade !== undefined || h['next-action'] !== undefined) return false;
  // A GET with a body is not what a browser sends for a page; it stays where its body can be read.
  if (h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0')) return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return isCatalogReadPage(q < 0 ? url : url.slice(0, q));
}
