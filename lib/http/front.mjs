// What the production server (server.mjs) does to every request before Next.js sees it: answers requests
// Next would fail on with a 500 (a malformed %-escape in the path, a cross-origin server action), and sets
// the security headers, including a Content-Security-Policy whose script nonce is fresh per request (Next
// reads it from the request's own Content-Security-Policy header and puts it on every script it renders).
// Plain JavaScript so that the server starts without a build step.
import { randomBytes } from 'node:crypto';

/** Whether the path holds a %-escape that does not decode (`/apps/%ZZ`): such a URL names nothing. */
export function hasMalformedPath(url) {
  const q = (url ?? '').indexOf('?');
  const pathname = q < 0 ? url ?? '' : url.slice(0, q);
  try {
    for (const segment of pathname.split('/')) decodeURIComponent(segment);
    return false;
  } catch {
    return true;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A write to a page (a server action, with or without JavaScript) whose Origin is another site. The REST
 * API (`/api/`) has its own rule (Bearer tokens come from anywhere; sessions only from this origin).
 * Same comparison as Next's own check: the Origin's host against X-Forwarded-Host, else Host.
 */
export function isCrossOriginPageWrite(req) {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return false;
  if ((req.url ?? '').startsWith('/api/')) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const host = firstValue(req.headers['x-forwarded-host']) ?? req.headers.host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true; // "null" and anything unparsable
  }
}

function firstValue(header) {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** The Content-Security-Policy of one response: scripts only from this origin and with this nonce. */
export function contentSecurityPolicy(nonce) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // Inline style attributes (React's style={…}) are not scripts; they stay allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Whether the browser reached us over https: a TLS socket, or (only with TRUST_PROXY) the nearest proxy's
 * X-Forwarded-Proto.
 */
export function servedOverHttps(req, trustProxy = /^(1|true|yes|on)$/i.test(process.env.TRUST_PROXY?.trim() ?? '')) {
  if (req.socket?.encrypted) return true;
  if (!trustProxy) return false;
  const proto = req.headers['x-forwarded-proto'];
  const values = (Array.isArray(proto) ? proto.join(',') : proto ?? '').split(',').map((s) => s.trim().toLowerCase());
  return values[values.length - 1] === 'https';
}

/** Sets the security headers on `res` and hands the script nonce to Next through the request. */
export function applySecurityHeaders(req, res) {
  const nonce = randomBytes(16).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  req.headers['content-security-policy'] = csp;
  delete req.headers['content-security-policy-report-only'];
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  if (servedOverHttps(req)) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}
