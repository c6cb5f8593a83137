// Every API route that takes a JSON body reads it through apiHandler's capped reader: called with a
// 300 MB streamed body (no Content-Length), each answers 413 having pulled no more than its cap and a
// MiB of read-ahead from the stream. The routes are found in app/api/**/route.ts (a `body` schema in
// apiHandler's options), so a new one is covered without a list to keep; and no route file reads the
// request body any other way.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { issueToken } from '@/lib/auth/tokens';
import { SECRET_BODY_MAX_BYTES } from '@/lib/secrets/api';
import { apiRouteMethods } from '@/lib/testing/api-routes';
import { REPO_ROOT } from '@/lib/testing/corpus';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { JSON_BODY_MAX_BYTES } from './body';

vi.mock('next/headers', () => ({ headers: async () => new Headers() })); // no session cookie: Bearer tokens or anonymous

useTempDataDir();

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const FLOOD_BYTES = 300 * MiB;
const CAPS: Record<string, number> = { SECRET_BODY_MAX_BYTES };

const methods = apiRouteMethods();
const jsonRoutes = methods.filter((m) => m.jsonBody);

/** A 300 MB body produced on demand, counting what the reader pulled. */
function flood(): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= FLOOD_BYTES) return controller.close();
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => pulled };
}

describe('request body caps', () => {
  it('finds the JSON routes, the ones the first audit listed included', () => {
    const found = jsonRoutes.map((m) => `${m.method} ${m.urlPath}`);
    for (const route of [
      'POST /api/v1/auth/token',
      'POST /api/v1/instances',
      'PATCH /api/v1/instances/sample-id',
      'POST /api/v1/aliases',
      'PATCH /api/v1/aliases/sample-name',
      'POST /api/v1/admin/fsck',
      'PATCH /api/v1/secrets/sample-name',
    ]) {
      expect(found).toContain(route);
    }
  });

  it('no route file reads the request body itself; the sign-in routes are wrapped in the cap', () => {
    const files = [...new Set(methods.map((m) => m.file))];
    for (const file of files) {
      const source = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      expect(source, file).not.toMatch(/\.(json|text|formData|arrayBuffer|blob)\(\)|request\.body\b|req\.body\b/);
    }
    const auth = fs.readFileSync(path.join(REPO_ROOT, 'app/api/auth/[...nextauth]/route.ts'), 'utf8');
    expect(auth).toMatch(/export const POST = withBodyCap\(/);
    // The two routes without a JSON schema that take a body stream it through receiveBundle (BUNDLE_MAX_BYTES).
    const streamed = methods.filter((m) => m.method === 'POST' && !m.jsonBody && /receiveBundle\(request/.test(fs.readFileSync(path.join(REPO_ROOT, m.file), 'utf8')));
    expect(streamed.map((m) => m.urlPath).sort()).toEqual(['/api/v1/apps', '/api/v1/uploads']);
  });

  for (const route of jsonRoutes) {
    it(`${route.method} ${route.urlPath}: a 300 MB streamed body is cut at its cap with 413`, async () => {
      const admin = insertUser({ isAdmin: true });
      const { token } = issueToken(admin.id, 'caps');
      const mod = (await import(/* @vite-ignore */ path.join(REPO_ROOT, route.file))) as Record<string, (r: Request, c: unknown) => Promise<Response>>;
      const { body, pulled } = flood();
      const request = new Request(`http://127.0.0.1${route.urlPath}`, {
        method: route.method,
        headers: { 'content-type': 'application/json', ...(route.access === 'anyone' ? {} : { authorization: `Bearer ${token}` }) },
        body,
        duplex: 'half',
      } as RequestInit);
      const params = Promise.resolve(new Proxy({}, { get: (_t, key) => (typeof key === 'string' ? `sample-${key}` : undefined) }));
      const response = await mod[route.method](request, { params });
      expect(response.status).toBe(413);
      const cap = route.maxBytes ? CAPS[route.maxBytes] : JSON_BODY_MAX_BYTES;
      expect(cap, `the cap ${route.maxBytes}`).toBeGreaterThan(0);
      // The Request body pipes ahead a little (about half a MiB) before the reader sees the cap.
      expect(pulled()).toBeLessThanOrEqual(cap + MiB);
    });
  }
});
