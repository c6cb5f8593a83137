// Which requests the primary hands to a render worker: the catalog's read pages only, and of every route in
// app/ exactly those three.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@/lib/testing/corpus';
import { rendersInWorker } from './forward-rule';

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') => rendersInWorker({ method, url, headers });

/** Every page and route handler under app/, as the URL path it answers (parameters filled in). */
function appRoutes(): { file: string; url: string }[] {
  const out: { file: string; url: string }[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/^(page|route)\.tsx?$/.test(entry.name)) {
        const rel = path.relative(path.join(REPO_ROOT, 'app'), dir).split(path.sep).filter(Boolean);
        const segments = rel
          .filter((s) => !/^\(.*\)$/.test(s))
          .map((s) => (/^\[\[?\.\.\./.test(s) ? 'a/b' : /^\[.*\]$/.test(s) ? 'x' : s));
        out.push({ file: path.relative(REPO_ROOT, full), url: `/${segments.join('/')}` });
      }
    }
  };
  visit(path.join(REPO_ROOT, 'app'));
  return out;
}

describe('the requests a render worker answers', () => {
  it('takes the catalog, its searches and categories, and an app page with its versions', () => {
    expect(get('/')).toBe(true);
    expect(get('/?q=forecast&category=finance&sort=title&page=2')).toBe(true);
    expect(get('/apps/ai.h2o.forecast')).toBe(true);
    expect(get('/apps/ai.h2o.forecast/1.2.0')).toBe(true);
    expect(get('/apps/ai.h2o.forecast/1.2.0?tab=versions')).toBe(true);
    expect(get('/apps/ai.h2o%2Fx/1.0.0')).toBe(true);
    expect(get('/', {}, 'HEAD')).toBe(true);
  });

  it('takes their RSC fetches (client navigation and prefetch)', () => {
    expect(get('/?q=x&_rsc=1ab2c', { rsc: '1', 'next-router-state-tree': '%5B%22%22%5D' })).toBe(true);
    expect(get('/apps/a/1.0.0?_rsc=zz', { rsc: '1', 'next-router-prefetch': '1' })).toBe(true);
  });

  it('leaves writes, server actions, upgrades and requests with a body to the primary', () => {
    expect(get('/', {}, 'POST')).toBe(false);
    expect(get('/apps/a', { 'next-action': 'abc' }, 'POST')).toBe(false);
    expect(get('/apps/a', { 'next-action': 'abc' })).toBe(false);
    expect(get('/', {}, 'OPTIONS')).toBe(false);
    expect(get('/', {}, 'DELETE')).toBe(false);
    expect(get('/', { upgrade: 'websocket', connection: 'Upgrade' })).toBe(false);
    expect(get('/', { 'content-length': '12' })).toBe(false);
    expect(get('/', { 'content-length': '0' })).toBe(true);
    expect(get('/', { 'transfer-encoding': 'chunked' })).toBe(false);
  });

  it('leaves everything else to the primary: the API, sign-in, admin, instances, assets, static files', () => {
    for (const url of [
      '/api/health',
      '/api/v1/apps',
      '/api/auth/session',
      '/login',
      '/admin/users',
      '/my-apps',
      '/instances',
      '/instance/abc/',
      '/assets/abc/icon.png',
      '/apps/a/1.0.0/visit',
      '/apps/a/1.0.0/visit?x=1',
      '/apps',
      '/apps/',
      '/apps/a/',
      '/_next/static/chunks/main.js',
      '/favicon.ico',
      '/_not-found',
      '//apps/a',
    ]) {
      expect(get(url), url).toBe(false);
    }
  });

  it('of every page and route in app/, takes exactly the catalog and the two app pages', () => {
    const routes = appRoutes();
    const taken = routes.filter((r) => get(r.url)).map((r) => r.file.split(path.sep).join('/')).sort();
    expect(taken).toEqual(['app/(catalog)/page.tsx', 'app/apps/[name]/[version]/page.tsx', 'app/apps/[name]/page.tsx']);
    expect(routes.length).toBeGreaterThan(20);
  });
});
