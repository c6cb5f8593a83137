// What the production server (server.mjs) does to every request before Next.js sees it: answers requests
// Next would fail on with a 500 (a malformed %-escape in the path, a cross-origin server action, a server
// action body past its limit), and sets the security headers, including a Content-Security-Policy whose
// script nonce is fresh per request (Next reads it from the request's own Content-Security-Policy header
// and puts it on every script it renders).
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

/** Next's server-action body limit (serverActions.bodySizeLimit, "1mb" by default). */
export const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;

/** A write to a page rather than to the API: a server action (Next reads its body). */
function isPageWrite(req) {
  return !SAFE_METHODS.has(req.method ?? 'GET') && !(req.url ?? '').startsWith('/api/');
}

/**
 * Server actions keep Next's body limit, but Next answers a body past it with a 500: answer 413, at once
 * when the declared length is too large, else when Next gives up on the bytes really received. Answers
 * whether the request has been answered here.
 */
export function capPageWriteBody(req, res, limit = SERVER_ACTION_BODY_LIMIT) {
  if (!isPageWrite(req)) return false;
  const tooLarge = `The request body is larger than ${limit} bytes.`;
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(tooLarge);
    return true;
  }
  // Count what the HTTP parser hands the request stream, whoever reads it.
  let received = 0;
  const push = req.push;
  req.push = function (chunk, encoding) {
    if (chunk) received += chunk.length;
    return push.call(this, chunk, encoding);
  };
  const writeHead = res.writeHead;
  res.writeHead = function (statusCode, ...rest) {
    if (statusCode === 500 && received > limit) {
      this.statusCode = 413;
      return writeHead.call(this, 413, ...rest);
    }
    return writeHead.call(this, statusCode, ...rest);
  };
  return false;
}

/**
 * A write to a page (a server action, with or without JavaScript) whose Origin is another site. The REST
 * API (`/api/`) has its own rule (Bearer tokens come from anywhere; sessions only from this origin).
 * Same comparison as Next's own check: the Origin's host against X-Forwarded-Host, else Host.
 */
export function isCrossOriginPageWrite(req) {
  if (!isPageWrite(req)) return false;
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

/**
 * Hands the script nonce to Next through the request, and gives the response the security headers it does
 * not set itself (a route may choose stricter ones: the asset route's own CSP, the Visit redirect's
 * Referrer-Policy). They are added when the head is written, whichever way it is written.
 */
export function applySecurityHeaders(req, res) {
  const nonce = randomBytes(16).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  req.headers['content-security-policy'] = csp;
  delete req.headers['content-security-policy-report-only'];
  const defaults = {
    'content-security-policy': csp,
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
  if (servedOverHttps(req)) defaults['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  const writeHead = res.writeHead;
  // Node's implicit head (a first write() or end()) goes through writeHead too.
  res.writeHead = function (statusCode, ...rest) {
    const given = rest.find((arg) => arg && typeof arg === 'object') ?? {};
    const names = new Set(
      Array.isArray(given)
        ? given.filter((_, i) => i % 2 === 0).map((n) => String(n).toLowerCase())
        : Object.keys(given).map((n) => n.toLowerCase()),
    );
    for (const [name, value] of Object.entries(defaults)) {
      if (!names.has(name) && !this.hasHeader(name)) this.setHeader(name, value);
    }
    return writeHead.call(this, statusCode, ...rest);
  };
}
