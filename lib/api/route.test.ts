// The API route wrapper: the caller's level, the body schema and the error mapping, in one place.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Viewer } from '@/lib/auth/policy';

let caller: Viewer | null | 'bad-token' = null;
let publicMode = false;
vi.mock('@/lib/auth/viewer', async () => {
  const { AppError } = await import('@/lib/errors');
  return {
    getApiViewer: async () => {
      if (caller === 'bad-token') throw new AppError('UNAUTHENTICATED', 'The API token is not valid.');
      return caller;
    },
    accessSettings: () => ({ publicMode, fullAccessRole: '' }),
  };
});
const { apiHandler } = await import('./route');

const person = (over: Partial<Viewer> = {}): Viewer => ({ id: 'u1', email: 'u@x.test', name: 'U', isAdmin: false, roles: [], fullAccess: true, ...over });
const post = (body: unknown) => new Request('http://portal.test/api/v1/x', { method: 'POST', body: JSON.stringify(body) });
const statusOf = async (res: Promise<Response>) => (await res).status;

beforeEach(() => {
  caller = null;
  publicMode = false;
});

describe('apiHandler', () => {
  const echo = apiHandler<'admin', z.ZodObject<{ n: z.ZodNumber }>, { id: string }>(
    { access: 'admin', body: z.object({ n: z.number().int() }), invalid: 'Send {"n"}.' },
    async ({ viewer, body, params }) => Response.json({ by: viewer.id, n: body.n, id: params.id }),
  );
  const ctx = { params: Promise.resolve({ id: 'p1' }) };

  it('answers 401 without a caller and 403 below the level, before reading the body', async () => {
    expect(await statusOf(echo(post({ n: 1 }), ctx))).toBe(401);
    caller = person();
    const res = await echo(post({ n: 1 }), ctx);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toBe('Only administrators may do this.');
  });

  it('hands the parsed body, params and viewer to the handler, or answers 400 with every problem', async () => {
    caller = person({ isAdmin: true });
    expect(await (await echo(post({ n: 2 }), ctx)).json()).toEqual({ by: 'u1', n: 2, id: 'p1' });
    const bad = await echo(post({ n: 'two' }), ctx);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'Send {"n"}.' }, errors: [{ path: 'n' }] });
  });

  it("lets `reader` routes answer anonymous callers only in public mode, and uses a route's own refusal", async () => {
    const read = apiHandler({ access: 'reader' }, async ({ viewer }) => Response.json({ anonymous: viewer === null }));
    expect(await statusOf(read(new Request('http://portal.test/')))).toBe(401);
    publicMode = true;
    expect(await (await read(new Request('http://portal.test/'))).json()).toEqual({ anonymous: true });
    const importing = apiHandler({ access: 'fullAccess', forbidden: 'Importing needs full access.' }, async () => new Response(null));
    caller = person({ fullAccess: false });
    expect((await (await importing(new Request('http://portal.test/'))).json()).error.message).toBe('Importing needs full access.');
  });

  it('answers `hidden` routes with the 404 of anything missing for every refusal, never cached', async () => {
    const hidden = apiHandler({ access: 'admin', hidden: true }, async () => new Response('secret'));
    const visible = apiHandler({ access: 'admin' }, async () => new Response('secret'));
    for (const who of [null, 'bad-token', person()] as const) {
      caller = who;
      const res = await hidden(new Request('http://portal.test/'));
      expect(res.status, String(who)).toBe(404);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect((await res.json()).error.code).toBe('NOT_FOUND');
      expect(await statusOf(visible(new Request('http://portal.test/')))).not.toBe(404);
    }
    caller = person({ isAdmin: true });
    expect(await (await hidden(new Request('http://portal.test/'))).text()).toBe('secret');
  });

  it('parses the query string against its schema, or answers 400 naming the parameter', async () => {
    const query = z.object({ limit: z.coerce.number<string>().int().min(0).default(10), tag: z.array(z.string()).optional() });
    const list = apiHandler({ access: 'anyone', query }, async ({ query }) => Response.json(query));
    expect(await (await list(new Request('http://portal.test/x'))).json()).toEqual({ limit: 10 });
    expect(await (await list(new Request('http://portal.test/x?limit=3&tag=a&tag=b'))).json()).toEqual({ limit: 3, tag: ['a', 'b'] });
    const bad = await list(new Request('http://portal.test/x?limit=-1'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' }, errors: [{ path: 'limit' }] });
  });
});
