// The operator's endpoints, called as a client would (Bearer tokens, real database): only administrators
// may take a backup or run the storage check; anybody else gets 403 and nothing runs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { issueToken } from '@/lib/auth/tokens';
import { lastFsck } from '@/lib/backup/fsck';
import { insertUser, useTempDataDir } from '@/lib/testing/db';

vi.mock('next/headers', () => ({ headers: async () => new Headers() })); // no session cookie: Bearer tokens or anonymous
const backups = await import('./route');
const fsckRoute = await import('../fsck/route');

const { dir } = useTempDataDir();
const URL_BASE = 'http://portal.test/api/v1/admin';

function bearer(isAdmin: boolean): Record<string, string> {
  const user = insertUser({ isAdmin });
  return { authorization: `Bearer ${issueToken(user.id, 'test').token}` };
}
const post = (route: { POST: (req: Request, ctx: undefined) => Promise<Response> }, url: string, headers: Record<string, string>, body?: unknown) =>
  route.POST(new Request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }), undefined);

describe('admin endpoints', () => {
  it('POST /admin/backups: 403 for a user who is not an administrator, 401 anonymous, a tar with totals for an administrator', async () => {
    const refused = await post(backups, `${URL_BASE}/backups`, bearer(false));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect(fs.existsSync(path.join(dir(), 'backups', '.staging'))).toBe(false); // nothing was staged
    expect((await post(backups, `${URL_BASE}/backups`, {})).status).toBe(401);

    const ok = await post(backups, `${URL_BASE}/backups`, bearer(true));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-tar');
    expect(Number(ok.headers.get('x-backup-files'))).toBeGreaterThan(0);
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(Number(ok.headers.get('x-backup-bytes')));
  });

  it('POST /admin/fsck: 403 for a user who is not an administrator, and no check runs', async () => {
    const refused = await post(fsckRoute, `${URL_BASE}/fsck`, bearer(false), { repair: true });
    expect(refused.status).toBe(403);
    expect(lastFsck()).toBeNull();
    const ok = await post(fsckRoute, `${URL_BASE}/fsck`, bearer(true), {});
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
    expect(lastFsck()).not.toBeNull();
  });
});
