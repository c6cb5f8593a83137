// The instance API and the router's rules, against the production servers: who may see, open, operate and
// troubleshoot instances; limits; the idle timeout; crashes and failed starts with their logs.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { importBundle } from './bundles';
import { asAdmin, createUser, RESTRICTED, tokenFor, unique, type TestUser } from './helpers';
import { instanceAppBundle, type InstanceAppOptions } from './instance-app';

test.setTimeout(120_000);

type Auth = Record<string, string>;

async function bearer(request: APIRequestContext, user: TestUser): Promise<Auth> {
  return { Authorization: `Bearer ${await tokenFor(request, user.email, user.password)}` };
}

async function importProbe(request: APIRequestContext, auth: Auth, options: Omit<InstanceAppOptions, 'name'> = {}, visibility: 'PRIVATE' | 'ALL_USERS' = 'ALL_USERS') {
  const res = await importBundle(request, auth, await instanceAppBundle({ name: unique('probe'), ...options }), visibility);
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; name: string };
}

async function start(request: APIRequestContext, auth: Auth, appId: string, visibility?: string) {
  const res = await request.post('/api/v1/instances', { headers: auth, data: { appId, ...(visibility ? { visibility } : {}) } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; status: string; url: string };
}

async function waitFor(request: APIRequestContext, auth: Auth, id: string, status: string, timeout = 30_000) {
  await expect
    .poll(async () => (await (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json()).status, { timeout })
    .toBe(status);
  return (await request.get(`/api/v1/instances/${id}`, { headers: auth })).json();
}

/** A request context signed in through the sign-in form's endpoint (a session cookie, as a browser has). */
async function sessionFor(baseURL: string, user: TestUser): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL });
  const { csrfToken } = await (await context.get('/api/auth/csrf')).json();
  const res = await context.post('/api/auth/callback/credentials', {
    form: { csrfToken, email: user.email, password: user.password },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  return context;
}

test('who may see, open, operate and read the logs of an instance', async ({ request, baseURL }) => {
  const appOwner = await createUser(request, { prefix: 'owner' });
  const starter = await createUser(request, { prefix: 'starter' });
  const stranger = await createUser(request, { prefix: 'stranger' });
  const [ownerAuth, starterAuth, strangerAuth] = await Promise.all([appOwner, starter, stranger].map((u) => bearer(request, u)));
  const app = await importProbe(request, ownerAuth);
  const instance = await start(request, starterAuth, app.id);
  await waitFor(request, starterAuth, instance.id, 'DEPLOYED');

  // Another user: 404 for everything, exactly like an id that does not exist.
  for (const path of ['', '/logs']) {
    expect((await request.get(`/api/v1/instances/${instance.id}${path}`, { headers: strangerAuth })).status()).toBe(404);
  }
  expect((await request.post(`/api/v1/instances/${instance.id}/suspend`, { headers: strangerAuth })).status()).toBe(404);
  expect((await request.delete(`/api/v1/instances/${instance.id}`, { headers: strangerAuth })).status()).toBe(404);
  // The app owner troubleshoots: metadata and logs, but no operations and no UI of a PRIVATE instance.
  expect((await request.get(`/api/v1/instances/${instance.id}`, { headers: ownerAuth })).status()).toBe(200);
  const logs = await request.get(`/api/v1/instances/${instance.id}/logs`, { headers: ownerAuth });
  expect(await logs.text()).toContain('instance probe listening on 8080');
  expect((await request.post(`/api/v1/instances/${instance.id}/suspend`, { headers: ownerAuth })).status()).toBe(403);
  const ownerSession = await sessionFor(baseURL!, appOwner);
  expect((await ownerSession.get(`/instance/${instance.id}/`, { maxRedirects: 0 })).status()).toBe(404);
  // The instance owner opens it; the portal's cookie and Authorization never reach the app.
  const starterSession = await sessionFor(baseURL!, starter);
  const echoed = await starterSession.get(`/instance/${instance.id}/headers`, { headers: { Authorization: 'Bearer abc' } });
  expect(echoed.status()).toBe(200);
  const headers = await echoed.json();
  expect(headers.authorization).toBeUndefined();
  expect(String(headers.cookie ?? '')).not.toMatch(/authjs/);
  // Anonymous callers are sent to sign in (pages) or refused (everything else).
  const anonymous = await request.get(`/instance/${instance.id}/`, { maxRedirects: 0, headers: { Accept: 'text/html' } });
  expect(anonymous.status()).toBe(302);
  expect(anonymous.headers().location).toContain('/login?next=');
  // Visibility ALL_USERS: now the stranger may open it (and see it), but still not operate it.
  expect((await request.patch(`/api/v1/instances/${instance.id}`, { headers: starterAuth, data: { visibility: 'ALL_USERS' } })).status()).toBe(200);
  const strangerSession = await sessionFor(baseURL!, stranger);
  expect((await strangerSession.get(`/instance/${instance.id}/headers`)).status()).toBe(200);
  expect((await request.post(`/api/v1/instances/${instance.id}/suspend`, { headers: strangerAuth })).status()).toBe(403);
  // Narrowed again to PRIVATE: the stranger loses it on the very next request.
  expect((await request.patch(`/api/v1/instances/${instance.id}`, { headers: starterAuth, data: { visibility: 'PRIVATE' } })).status()).toBe(200);
  expect((await strangerSession.get(`/instance/${instance.id}/headers`, { maxRedirects: 0 })).status()).toBe(404);
  expect((await starterSession.get(`/instance/${instance.id}/headers`)).status()).toBe(200);
  // Admins list every instance and terminate it; the audit log keeps it.
  const admin = await asAdmin(request);
  const all = await (await request.get('/api/v1/instances?all=1', { headers: admin })).json();
  expect(all.map((i: { id: string }) => i.id)).toContain(instance.id);
  expect((await request.get('/api/v1/instances?all=1', { headers: starterAuth })).status()).toBe(403);
  expect((await request.delete(`/api/v1/instances/${instance.id}`, { headers: admin })).status()).toBe(204);
  expect((await request.get(`/api/v1/instances/${instance.id}`, { headers: starterAuth })).status()).toBe(404);
  await Promise.all([ownerSession, starterSession, strangerSession].map((c) => c.dispose()));
});

test('an idle instance is suspended after its InstanceTimeout; keep-alive and traffic move the deadline', async ({ request }) => {
  const user = await createUser(request, { prefix: 'idle' });
  const auth = await bearer(request, user);
  const app = await importProbe(request, auth, { instanceTimeout: '5s' });
  // PUBLIC: the proxied requests below need no portal session.
  const instance = await start(request, auth, app.id, 'PUBLIC');
  const deployed = await waitFor(request, auth, instance.id, 'DEPLOYED');
  expect(Date.parse(deployed.suspendAfter) - Date.parse(deployed.updatedAt)).toBeLessThanOrEqual(6_000);
  const kept = await (await request.post(`/api/v1/instances/${instance.id}/keep-alive`, { headers: auth })).json();
  expect(Date.parse(kept.suspendAfter)).toBeGreaterThanOrEqual(Date.parse(deployed.suspendAfter));

  // Traffic through the router for well over the 5 s timeout: a request a second (the traffic itself, not a
  // wait for a condition), and the instance stays DEPLOYED with its deadline moving on.
  const trafficStarted = Date.now();
  let lastDeadline = Date.parse(kept.suspendAfter);
  while (Date.now() - trafficStarted < 12_000) {
    const proxied = await request.get(`/instance/${instance.id}/headers`);
    expect(proxied.status()).toBe(200);
    const now = await (await request.get(`/api/v1/instances/${instance.id}`, { headers: auth })).json();
    expect(now.status).toBe('DEPLOYED');
    lastDeadline = Date.parse(now.suspendAfter);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  expect(lastDeadline).toBeGreaterThan(Date.parse(kept.suspendAfter) + 5_000);

  // Then no traffic: suspended after its timeout.
  const suspended = await waitFor(request, auth, instance.id, 'SUSPENDED', 60_000);
  expect(suspended.suspendAfter).toBeNull();
  expect((await request.post(`/api/v1/instances/${instance.id}/resume`, { headers: auth })).status()).toBe(200);
  await waitFor(request, auth, instance.id, 'DEPLOYED');
  expect((await request.delete(`/api/v1/instances/${instance.id}`, { headers: auth })).status()).toBe(204);
});

test('disable-autosuspend keeps an instance DEPLOYED past its InstanceTimeout', async ({ request }) => {
  const user = await createUser(request, { prefix: 'kept' });
  const auth = await bearer(request, user);
  const admin = await asAdmin(request);
  const app = await importProbe(request, auth, { instanceTimeout: '5s' });
  const kept = await start(request, auth, app.id);
  await waitFor(request, auth, kept.id, 'DEPLOYED');
  expect((await request.patch(`/api/v1/instances/${kept.id}`, { headers: auth, data: { autoSuspend: false } })).status()).toBe(403);
  const patched = await (await request.patch(`/api/v1/instances/${kept.id}`, { headers: admin, data: { autoSuspend: false } })).json();
  expect(patched.suspendable).toBe(false);
  expect(patched.suspendAfter).toBeNull();
  // A second instance of the same app, started later, is suspended by the same timeout: by then the first
  // one's deadline has passed too, and it still runs.
  const control = await start(request, auth, app.id);
  await waitFor(request, auth, control.id, 'DEPLOYED');
  await waitFor(request, auth, control.id, 'SUSPENDED', 60_000);
  expect((await (await request.get(`/api/v1/instances/${kept.id}`, { headers: auth })).json()).status).toBe('DEPLOYED');
  for (const id of [kept.id, control.id]) expect((await request.delete(`/api/v1/instances/${id}`, { headers: auth })).status()).toBe(204);
});

test('admins list every instance filtered by app, owner (name or e-mail) and status, with what each uses', async ({ request }) => {
  const admin = await asAdmin(request);
  const owner = await createUser(request, { prefix: 'filtered' });
  const other = await createUser(request, { prefix: 'unfiltered' });
  const [ownerAuth, otherAuth] = await Promise.all([bearer(request, owner), bearer(request, other)]);
  const app = await importProbe(request, ownerAuth);
  const mine = await start(request, ownerAuth, app.id);
  const theirs = await start(request, otherAuth, app.id, 'PRIVATE');
  await waitFor(request, ownerAuth, mine.id, 'DEPLOYED');
  const ids = async (query: string) => {
    const res = await request.get(`/api/v1/instances?all=1&${query}`, { headers: admin });
    expect(res.status(), query).toBe(200);
    return ((await res.json()) as { id: string }[]).map((i) => i.id).sort();
  };
  expect(await ids(`app=${app.name}`)).toEqual([mine.id, theirs.id].sort());
  expect(await ids(`app=${app.id}`)).toEqual([mine.id, theirs.id].sort());
  expect(await ids(`app=${app.name}&owner=${encodeURIComponent(owner.email.toUpperCase())}`)).toEqual([mine.id]);
  expect(await ids(`owner=${encodeURIComponent(other.name)}`)).toEqual([theirs.id]);
  expect(await ids(`app=${app.name}&status=SUSPENDED`)).toEqual([]);
  expect(await ids(`owner=${encodeURIComponent(owner.name)}&status=DEPLOYED`)).toEqual([mine.id]);
  expect(await ids('owner=%25')).not.toContain(mine.id); // % is a character to look for, not a wildcard
  const bad = await request.get('/api/v1/instances?all=1&status=RUNNING', { headers: admin });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).errors[0].path).toBe('status');
  // What a running instance uses, read from its cgroups (this host lets the portal create them).
  const [listed] = await (await request.get(`/api/v1/instances?all=1&owner=${encodeURIComponent(owner.email)}`, { headers: admin })).json();
  expect(listed.usage.memoryBytes).toBeGreaterThan(0);
  expect(typeof listed.usage.cpuSeconds).toBe('number');
  // Filters are for administrators only, like the list itself; the owner's own list has no usage.
  expect((await request.get(`/api/v1/instances?all=1&owner=${encodeURIComponent(owner.email)}`, { headers: ownerAuth })).status()).toBe(403);
  expect((await (await request.get('/api/v1/instances', { headers: ownerAuth })).json())[0].usage).toBeUndefined();
  for (const [auth, id] of [[ownerAuth, mine.id], [otherAuth, theirs.id]] as const) {
    expect((await request.delete(`/api/v1/instances/${id}`, { headers: auth })).status()).toBe(204);
  }
});

test('a MANAGED app’s location: GET /apps/{id}/instance gives the newest DEPLOYED instance the viewer may open, else 404', async ({ request, baseURL }) => {
  const owner = await createUser(request, { prefix: 'managed-owner' });
  const user = await createUser(request, { prefix: 'managed-user' });
  const [ownerAuth, userAuth] = await Promise.all([bearer(request, owner), bearer(request, user)]);
  const app = await importProbe(request, ownerAuth, { lifecycle: 'MANAGED' });
  const location = (auth: Auth) => request.get(`/api/v1/apps/${app.id}/instance`, { headers: auth });
  expect((await location(userAuth)).status()).toBe(404);

  const older = await start(request, ownerAuth, app.id, 'ALL_USERS');
  await waitFor(request, ownerAuth, older.id, 'DEPLOYED');
  expect(await (await location(userAuth)).json()).toEqual({ id: older.id, url: `${baseURL}/instance/${older.id}/` });
  const newer = await start(request, ownerAuth, app.id, 'ALL_USERS');
  await waitFor(request, ownerAuth, newer.id, 'DEPLOYED');
  expect(await (await location(userAuth)).json()).toEqual({ id: newer.id, url: `${baseURL}/instance/${newer.id}/` });
  // A newest one that is PRIVATE is its owner's alone: others still get the newest they may open.
  const privateOne = await start(request, ownerAuth, app.id, 'PRIVATE');
  await waitFor(request, ownerAuth, privateOne.id, 'DEPLOYED');
  expect((await (await location(userAuth)).json()).id).toBe(newer.id);
  expect((await (await location(ownerAuth)).json()).id).toBe(privateOne.id);
  // Someone who may not see the app version gets 404, as for an app that does not exist.
  expect((await request.patch(`/api/v1/apps/${app.id}`, { headers: ownerAuth, data: { visibility: 'PRIVATE' } })).status()).toBe(200);
  expect((await location(userAuth)).status()).toBe(404);
  expect((await request.get('/api/v1/apps/does-not-exist/instance', { headers: userAuth })).status()).toBe(404);
  for (const id of [older.id, newer.id, privateOne.id]) expect((await request.delete(`/api/v1/instances/${id}`, { headers: ownerAuth })).status()).toBe(204);
});

test('a crash and a failed start end in FAILED with the reason and the last log lines; Restart starts again', async ({ request, baseURL }) => {
  const user = await createUser(request, { prefix: 'crash' });
  const auth = await bearer(request, user);
  const app = await importProbe(request, auth);
  const instance = await start(request, auth, app.id);
  await waitFor(request, auth, instance.id, 'DEPLOYED');
  const session = await sessionFor(baseURL!, user);
  await session.get(`/instance/${instance.id}/crash?code=3`).catch(() => undefined);
  const failed = await waitFor(request, auth, instance.id, 'FAILED');
  expect(failed.reason).toContain('exited with code 3');
  expect(await (await request.get(`/api/v1/instances/${instance.id}/logs`, { headers: auth })).text()).toContain('crashing on request');
  expect((await request.post(`/api/v1/instances/${instance.id}/resume`, { headers: auth })).status()).toBe(200);
  await waitFor(request, auth, instance.id, 'DEPLOYED');
  await session.dispose();

  const broken = await importProbe(request, auth, { failing: true });
  const failedStart = await start(request, auth, broken.id);
  const result = await waitFor(request, auth, failedStart.id, 'FAILED');
  expect(result.reason).toBeTruthy();
  expect(await (await request.get(`/api/v1/instances/${failedStart.id}/logs`, { headers: auth })).text()).toContain('boom: DATABASE_URL is not configured');
});

test('MANAGED apps: only the owner starts instances, everyone who may see the app gets Visit', async ({ request }) => {
  const owner = await createUser(request, { prefix: 'managed' });
  const user = await createUser(request, { prefix: 'visitor' });
  const [ownerAuth, userAuth] = await Promise.all([bearer(request, owner), bearer(request, user)]);
  const app = await importProbe(request, ownerAuth, { lifecycle: 'MANAGED' });
  const refused = await request.post('/api/v1/instances', { headers: userAuth, data: { appId: app.id } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toMatch(/managed lifecycle/);
  await start(request, ownerAuth, app.id, 'ALL_USERS');
  const link = await request.post('/api/v1/instances', { headers: ownerAuth, data: { appId: 'does-not-exist' } });
  expect(link.status()).toBe(404);
});

test('instance limits: a user holding INSTANCE_LIMIT instances is refused with the count and where to terminate one', async () => {
  const restricted = await playwrightRequest.newContext({ baseURL: RESTRICTED.url });
  const user = await createUser(restricted, { prefix: 'limit', roles: [RESTRICTED.fullAccessRole] });
  const auth = await bearer(restricted, user);
  const app = await importProbe(restricted, auth);
  for (let i = 0; i < RESTRICTED.instanceLimit; i++) await start(restricted, auth, app.id);
  const refused = await restricted.post('/api/v1/instances', { headers: auth, data: { appId: app.id } });
  expect(refused.status()).toBe(409);
  const body = await refused.json();
  expect(body.error.code).toBe('LIMIT_REACHED');
  expect(body.error.message).toBe(
    `You have ${RESTRICTED.instanceLimit} instances, the most you may hold (${RESTRICTED.instanceLimit}). Terminate one at My instances (/instances) first.`,
  );
  const mine = await (await restricted.get('/api/v1/instances', { headers: auth })).json();
  for (const instance of mine) expect((await restricted.delete(`/api/v1/instances/${instance.id}`, { headers: auth })).status()).toBe(204);
  await restricted.dispose();
});

test('the CLI runs an app by name and waits until it is DEPLOYED, then terminates it', async ({ request, baseURL }) => {
  const { execFile } = await import('node:child_process');
  const user = await createUser(request, { prefix: 'cli' });
  const token = await tokenFor(request, user.email, user.password);
  const app = await importProbe(request, { Authorization: `Bearer ${token}` });
  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, ['bin/appstore.mjs', ...args, '--url', baseURL!, '--token', token], { env: { ...process.env, APPSTORE_CONFIG: '/nonexistent/config.json' } }, (error, out, err) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
      );
    });
  const run = await cli('app', 'run', app.name, '--wait');
  expect(run.code, run.err).toBe(0);
  expect(run.out).toMatch(/^Status +DEPLOYED$/m);
  const id = /^ID +(\S+)$/m.exec(run.out)![1];
  expect((await cli('instance', 'list')).out).toContain(id);
  expect((await cli('instance', 'logs', id)).out).toContain('instance probe listening on 8080');
  expect((await cli('instance', 'terminate', id)).out).toBe(`Terminated ${id}\n`);
});
