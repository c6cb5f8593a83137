// A cache of rendered catalog and app pages, in front of Next.js (see server.mjs). Pages are rendered by
// Next with every authorization check; a copy is kept per viewer, URL and catalog generation, and served
// again only while none of them changed. Plain JavaScript so that the server starts without a build step.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { decode } from 'next-auth/jwt';

/** Paths whose pages are cached: the catalog and app details (not the Visit redirect). */
const CACHEABLE = /^\/(?:apps\/[^/]+(?:\/[^/]+)?)?$/;
const SESSION_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token'];
/** Headers of the rendered response that are not replayed. */
const DROPPED_HEADERS = new Set(['set-cookie', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** Reads one cookie from a Cookie header. */
export function readCookie(header, name) {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a request may be answered from (and fill) the cache: plain document GETs of cacheable pages. */
export function isCacheableRequest(req) {
  if (req.method !== 'GET') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  if (!CACHEABLE.test(pathname)) return false;
  const h = req.headers;
  // React Server Component fetches, prefetches and server actions are not documents.
  if (h['rsc'] || h['next-router-state-tree'] || h['next-router-prefetch'] || h['next-action']) return false;
  if (url.includes('_rsc=')) return false;
  return true;
}

export function createPageCache({ dataDir, maxBytes = 64 * 1024 * 1024, maxSessions = 10_000 }) {
  /** key -> { status, headers, body } in least-recently-used order. */
  const pages = new Map();
  let totalBytes = 0;
  /** session token -> { sub, exp } (decoding one costs a key derivation: worth remembering). */
  const sessions = new Map();
  let db = null;
  let statements = null;
  let secret = null;

  function database() {
    if (!db) {
      const file = path.join(dataDir, 'appstore.db');
      if (!fs.existsSync(file)) return null;
      db = new Database(file, { fileMustExist: true });
      db.pragma('busy_timeout = 100');
      statements = {
        generation: db.prepare('SELECT generation FROM catalog_state WHERE id = 1').pluck(),
        user: db.prepare('SELECT id, name, email, is_admin, roles, disabled, last_seen_at FROM users WHERE id = ?'),
        seen: db.prepare('UPDATE users SET last_seen_at = ? WHERE id = ?'),
      };
    }
    return db;
  }

  function authSecret() {
    if (process.env.AUTH_SECRET?.trim()) return process.env.AUTH_SECRET.trim();
    if (!secret) {
      try {
        secret = fs.readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim();
      } catch {
        return null;
      }
    }
    return secret;
  }

  async function sessionSubject(cookieHeader) {
    for (const name of SESSION_COOKIES) {
      if (readCookie(cookieHeader, `${name}.0`)) return undefined; // chunked: let Next handle it
      const token = readCookie(cookieHeader, name);
      if (!token) continue;
      const now = Date.now() / 1000;
      let session = sessions.get(token);
      if (!session) {
        const key = authSecret();
        if (!key) return undefined;
        let payload = null;
        try {
          payload = await decode({ token, secret: key, salt: name });
        } catch {
          payload = null;
        }
        session = { sub: typeof payload?.sub === 'string' ? payload.sub : null, exp: Number(payload?.exp ?? 0) };
        sessions.set(token, session);
        if (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value);
      }
      return session.sub && session.exp > now ? session.sub : undefined;
    }
    return null; // no session cookie: anonymous
  }

  /**
   * The cache key of a request, or undefined when it must go to Next uncached (an unreadable or expired
   * session, a disabled or unknown user, no database yet). The key holds everything a page depends on:
   * the URL, the viewer's identity and access (read afresh from the database), the catalog generation
   * (bumped by triggers on apps, tags and users) and the accepted encodings.
   */
  async function keyOf(req) {
    if (!isCacheableRequest(req) || !database()) return undefined;
    try {
      const subject = await sessionSubject(req.headers.cookie);
      if (subject === undefined) return undefined;
      let viewer = 'anonymous';
      if (subject !== null) {
        const user = statements.user.get(subject);
        if (!user || user.disabled) return undefined;
        // Pages served from here do not reach the app's own "last seen" bookkeeping: keep it (per minute).
        const now = Date.now();
        if (!user.last_seen_at || now - user.last_seen_at >= 60_000) {
          try {
            statements.seen.run(now, user.id);
          } catch {
            // the database is busy (another process holds its lock): bookkeeping can wait
          }
        }
        viewer = JSON.stringify([user.id, user.name, user.email, user.is_admin, user.roles]);
      }
      const generation = statements.generation.get();
      return `${generation}\u0000${viewer}\u0000${req.headers['accept-encoding'] ?? ''}\u0000${req.url}`;
    } catch {
      return undefined; // e.g. tables not migrated yet
    }
  }

  function remember(key, entry) {
    const old = pages.get(key);
    if (old) {
      totalBytes -= old.body.length;
      pages.delete(key);
    }
    if (entry.body.length > maxBytes / 8) return;
    pages.set(key, entry);
    totalBytes += entry.body.length;
    while (totalBytes > maxBytes) {
      const [oldestKey, oldest] = pages.entries().next().value;
      pages.delete(oldestKey);
      totalBytes -= oldest.body.length;
    }
  }

  /**
   * Answers `req` from the cache when it can (returns true); otherwise arranges for the response Next
   * writes to be kept, when it is a complete 200 HTML page that sets no cookie (returns false).
   */
  async function handle(req, res) {
    const key = await keyOf(req);
    if (key === undefined) return false;
    const hit = pages.get(key);
    if (hit) {
      pages.delete(key);
      pages.set(key, hit); // most recently used last
      res.writeHead(hit.status, { ...hit.headers, 'content-length': hit.body.length, 'x-page-cache': 'hit' });
      res.end(hit.body);
      return true;
    }
    res.setHeader('x-page-cache', 'miss');
    const chunks = [];
    let size = 0;
    let keep = true;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const collect = (chunk, encoding) => {
      if (!keep || chunk == null || typeof chunk === 'function') return;
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8');
      size += buffer.length;
      if (size > maxBytes / 8) keep = false;
      else chunks.push(buffer);
    };
    res.write = (chunk, encoding, cb) => {
      collect(chunk, encoding);
      return write(chunk, encoding, cb);
    };
    res.end = (chunk, encoding, cb) => {
      collect(chunk, encoding);
      return end(chunk, encoding, cb);
    };
    res.once('finish', () => {
      const type = String(res.getHeader('content-type') ?? '');
      if (!keep || res.statusCode !== 200 || !type.startsWith('text/html') || res.getHeader('set-cookie')) return;
      const headers = {};
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (!DROPPED_HEADERS.has(name) && name !== 'x-page-cache') headers[name] = value;
      }
      remember(key, { status: 200, headers, body: Buffer.concat(chunks) });
    });
    return false;
  }

  return {
    handle,
    keyOf,
    stats: () => ({ pages: pages.size, bytes: totalBytes, sessions: sessions.size }),
    close: () => db?.close(),
  };
}
