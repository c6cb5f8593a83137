// GET /api/v1/users pages like the other lists of /api/v1 (lib/api/paging.ts): `limit` (default 100, at most 500)
// accounts from `offset`, by e-mail, so following the pages visits every account once.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { issueToken } from '@/lib/auth/tokens';
import { insertUser, useTempDataDir } from '@/lib/testing/db';

vi.mock('next/headers', () => ({ headers: async () => new Headers() })); // no session cookie: Bearer tokens or anonymous
const route = await import('./route');

useTempDataDir();

const URL_BASE = 'http://portal.test/api/v1/users';
let admin: Record<string, string> = {};
beforeAll(() => {
  const user = insertUser({ isAdmin: true, email: 'admin@paging.test' });
  admin = { authorization: `Bearer ${issueToken(user.id, 'test').token}` };
  // 600 accounts in all: past the default page and past the largest page.
  const values = Array.from({ length: 599 }, (_, i) => ({ id: `u${i}`, email: `user${String(i).padStart(3, '0')}@paging.test`, name: `User ${i}` }));
  getDb().insert(users).values(values).run();
});

async function get(query: string, headers = admin) {
  const res = await route.GET(new Request(`${URL_BASE}${query}`, { headers }), undefined);
  return { status: res.status, json: await res.json() };
}

const allEmails = () => getDb().select({ email: users.email }).from(users).all().map((u) => u.email).sort();

describe('GET /api/v1/users', () => {
  it('answers the first 100 accounts by e-mail when no page is asked for', async () => {
    const { status, json } = await get('');
    expect(status).toBe(200);
    expect(json.map((u: { email: string }) => u.email)).toEqual(allEmails().slice(0, 100));
    expect(json[0]).not.toHaveProperty('passwordHash');
  });

  it('visits every account once when the pages are followed', async () => {
    const seen: string[] = [];
    for (let offset = 0; ; ) {
      const { status, json } = await get(`?limit=250&offset=${offset}`);
      expect(status).toBe(200);
      seen.push(...json.map((u: { email: string }) => u.email));
      offset += json.length;
      if (json.length < 250) break;
    }
    expect(seen).toEqual(allEmails());
  });

  it('answers at most 500 accounts, however many are asked for', async () => {
    const { json } = await get('?limit=100000');
    expect(json).toHaveLength(500);
    expect((await get('?limit=100000&offset=500')).json).toHaveLength(100);
  });

  it('refuses a limit or offset that is not a non-negative integer, naming it', async () => {
    for (const query of ['?limit=-1', '?limit=ten', '?offset=1.5']) {
      const { status, json } = await get(query);
      expect(status).toBe(400);
      expect(json.error.code).toBe('INVALID_INPUT');
      expect(json.errors[0].path).toMatch(/limit|offset/);
    }
  });

  it('is for administrators only', async () => {
    const user = insertUser();
    expect((await get('', { authorization: `Bearer ${issueToken(user.id, 'test').token}` })).status).toBe(403);
    expect((await get('', {})).status).toBe(401);
  });
});
