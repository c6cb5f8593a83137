// The CLI verbs of the guide against a running portal: app list/get/update/tag/delete/download,
// secret list/create/update/delete, tag list and (administrators) tag create/update/delete.
// Exit codes: 0 success, 1 refused or invalid, 2 usage; errors on stderr in one line.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import JSZip from 'jszip';
import { importApp } from './bundles';
import { asAdmin, createUser, E2E_ADMIN, tokenFor, unique } from './helpers';

const BIN = fileURLToPath(new URL('../bin/appstore.mjs', import.meta.url));

interface Run {
  code: number;
  out: string;
  err: string;
}

function cli(baseURL: string, token: string, cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, APPSTORE_URL: baseURL, APPSTORE_TOKEN: token, APPSTORE_CONFIG: path.join(cwd, 'none.json') } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

test.describe.configure({ mode: 'parallel' });

/** A working directory for the CLI, removed after this file's tests. */
const workDirs: string[] = [];
function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-cli-e2e-'));
  workDirs.push(dir);
  return dir;
}
test.afterAll(() => {
  for (const dir of workDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

test('app list, get, update, tag add/remove, download and delete', async ({ request, baseURL }) => {
  test.setTimeout(120_000);
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  const headers = { Authorization: `Bearer ${token}` };
  const name = unique('ai.e2e.cli');
  const tagName = unique('cli-tag');
  const tag = await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name: tagName, title: 'CLI tag' } });
  expect(tag.status()).toBe(201);
  const app = await importApp(request, headers, { name, version: '1.0.0', title: 'CLI app' });
  await importApp(request, headers, { name, version: '1.1.0', title: 'CLI app' });
  const cwd = workDir();
  const run = (...args: string[]) => cli(baseURL!, token, cwd, ...args);

  const list = await run('app', 'list', '--mine');
  expect(list.code, list.err).toBe(0);
  expect(list.out.split('\n')[0]).toMatch(/^ID\s+TITLE\s+NAME\s+OWNER\s+CREATED\s+VISIBILITY\s+TAGS$/);
  expect(list.out).toContain('CLI app 1.1.0');
  expect(list.out).toContain('CLI app 1.0.0');
  const named = JSON.parse((await run('app', 'list', '--name', name, '--json')).out);
  expect(named.map((a: { version: string }) => a.version).sort()).toEqual(['1.0.0', '1.1.0']);

  const got = await run('app', 'get', name);
  expect(got.code).toBe(0);
  expect(got.out).toMatch(/^Version\s+1\.1\.0$/m);
  expect(got.out).toMatch(/^Visibility\s+PRIVATE$/m);

  const updated = await run('app', 'update', app.id, '-v', 'ALL_USERS');
  expect(updated.code, updated.err).toBe(0);
  expect(updated.out).toMatch(/^Visibility\s+ALL_USERS$/m);
  const bad = await run('app', 'update', app.id, '-v', 'EVERYONE');
  expect(bad.code).toBe(2);
  expect(bad.err.split('\n')[0]).toContain('visibility must be one of PRIVATE, ALL_USERS, PUBLIC');

  const tagged = await run('app', 'tag', 'add', `${name}@1.0.0`, tagName, '--json');
  expect(tagged.code, tagged.err).toBe(0);
  expect(JSON.parse(tagged.out).tags.map((t: { name: string }) => t.name)).toEqual([tagName]);
  const untagged = await run('app', 'tag', 'remove', `${name}@1.0.0`, tagName);
  expect(untagged.code, untagged.err).toBe(0);
  expect(untagged.out).toMatch(/^Tags$/m);
  const notThere = await run('app', 'tag', 'remove', `${name}@1.0.0`, tagName);
  expect(notThere.code).toBe(1);
  expect(notThere.err.trim().split('\n')).toHaveLength(1);

  const download = await run('app', 'download', app.id, '-o', 'copy.wave');
  expect(download.code, download.err).toBe(0);
  const zip = await JSZip.loadAsync(fs.readFileSync(path.join(cwd, 'copy.wave')));
  expect(await zip.file('app.toml')!.async('string')).toContain(`Name = "${name}"`);
  const defaultName = await run('app', 'download', `${name}@1.1.0`);
  expect(defaultName.code, defaultName.err).toBe(0);
  expect(fs.existsSync(path.join(cwd, `${name}.1.1.0.wave`))).toBe(true);

  // Another user may neither change nor delete it: refused, exit 1, one line.
  const other = await createUser(request);
  const otherToken = await tokenFor(request, other.email, other.password);
  const refused = await cli(baseURL!, otherToken, cwd, 'app', 'delete', app.id);
  expect(refused.code).toBe(1);
  expect(refused.err.trim().split('\n')).toHaveLength(1);

  const deleted = await run('app', 'delete', app.id);
  expect(deleted.code, deleted.err).toBe(0);
  expect(deleted.out).toContain(`Deleted ${name} 1.0.0`);
  expect((await run('app', 'get', app.id)).code).toBe(1);
  // `app run` is still the same noun's verb.
  expect((await run('app', 'run')).code).toBe(2);
});

test('secret create, list, update and delete with --from-literal and --from-file', async ({ request, baseURL }) => {
  // Each run starts a node process through tsx: seconds apiece on a busy machine.
  test.setTimeout(120_000);
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  const cwd = workDir();
  fs.writeFileSync(path.join(cwd, 'key.pem'), '-----BEGIN KEY-----\nabc\n-----END KEY-----\n');
  const run = (...args: string[]) => cli(baseURL!, token, cwd, ...args);
  const name = unique('cli-secret').toLowerCase();

  const created = await run('secret', 'create', name, '--from-literal', 'user=alice', '--from-literal', 'password=p=w', '--from-file', 'cert=key.pem');
  expect(created.code, created.err).toBe(0);
  expect(created.out).toContain(`Created secret ${name} (PRIVATE)`);
  expect(created.out).not.toContain('alice');

  const list = await run('secret', 'list');
  expect(list.out.split('\n')[0]).toMatch(/^NAME\s+VISIBILITY\s+PARENT\s+KEYS$/);
  expect(list.out).toMatch(new RegExp(`^${name}\\s+PRIVATE\\s+cert,password,user$`, 'm'));
  const json = JSON.parse((await run('secret', 'get', name, '--json')).out);
  expect(json.keys.map((k: { key: string }) => k.key).sort()).toEqual(['cert', 'password', 'user']);
  expect(JSON.stringify(json)).not.toContain('alice');

  const updated = await run('secret', 'update', name, '--from-literal', 'token=t', '--remove', 'user');
  expect(updated.code, updated.err).toBe(0);
  expect(updated.out).toContain('keys cert, password, token');

  const usage = await run('secret', 'create', unique('x').toLowerCase(), '--from-literal', 'novalue');
  expect(usage.code).toBe(2);
  expect(usage.err.split('\n')[0]).toContain('--from-literal takes KEY=VALUE');
  const missingFile = await run('secret', 'create', unique('x').toLowerCase(), '--from-file', 'k=nope.txt');
  expect(missingFile.code).toBe(1);
  expect(missingFile.err).toContain('cannot read nope.txt: no such file');
  const invalid = await run('secret', 'create', 'Not_Valid', '--from-literal', 'a=b');
  expect(invalid.code).toBe(1);

  const deleted = await run('secret', 'delete', name);
  expect(deleted.code, deleted.err).toBe(0);
  expect((await run('secret', 'get', name)).code).toBe(1);
});

test('tag list for users; tag create, update and delete for administrators only', async ({ request, baseURL }) => {
  // Each run starts a node process through tsx: seconds apiece on a busy machine.
  test.setTimeout(120_000);
  const user = await createUser(request);
  const userToken = await tokenFor(request, user.email, user.password);
  const adminToken = await tokenFor(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const cwd = workDir();
  const asUser = (...args: string[]) => cli(baseURL!, userToken, cwd, ...args);
  const asAdminCli = (...args: string[]) => cli(baseURL!, adminToken, cwd, ...args);
  const name = unique('cli-cat');

  const created = await asAdminCli('tag', 'create', name, '--title', 'CLI category', '--category', '--visitor-roles', 'partners,staff');
  expect(created.code, created.err).toBe(0);
  expect(created.out).toMatch(/^Category\s+yes$/m);
  expect(created.out).toMatch(/^Visitor Roles\s+partners, staff$/m);

  const list = await asUser('tag', 'list');
  expect(list.code, list.err).toBe(0);
  expect(list.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+TITLE\s+KIND\s+CATEGORY\s+VISITOR ROLES$/);
  expect(list.out).toContain(name);
  expect(JSON.parse((await asUser('tag', 'list', '--json')).out).some((t: { name: string }) => t.name === name)).toBe(true);

  const refused = await asUser('tag', 'create', unique('nope'), '--title', 'No');
  expect(refused.code).toBe(1);
  expect(refused.err.trim().split('\n')).toHaveLength(1);
  expect((await asUser('tag', 'delete', name)).code).toBe(1);

  const updated = await asAdminCli('tag', 'update', name, '--title', 'Renamed', '--no-category');
  expect(updated.code, updated.err).toBe(0);
  expect(updated.out).toMatch(/^Title\s+Renamed$/m);
  expect(updated.out).toMatch(/^Category\s+no$/m);
  expect((await asAdminCli('tag', 'create', name)).code).toBe(2); // --title missing

  const deleted = await asAdminCli('tag', 'delete', name);
  expect(deleted.code, deleted.err).toBe(0);
  expect((await asUser('tag', 'get', name)).code).toBe(1);
});

/** Runs each command in turn with --json: it succeeds, its output parses as JSON, and `check` holds for it. */
async function expectJsonFromEach(steps: [string[], (json: any) => void][], run: (...args: string[]) => Promise<Run>) {
  for (const [args, check] of steps) {
    const result = await run(...args, '--json');
    expect(result.code, `${args.join(' ')}: ${result.err}`).toBe(0);
    let parsed: unknown;
    expect(() => (parsed = JSON.parse(result.out)), `${args.join(' ')} --json printed ${result.out}`).not.toThrow();
    check(parsed);
  }
}

test('--json on every app verb prints JSON', async ({ request, baseURL }) => {
  test.setTimeout(120_000);
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  const name = unique('ai.e2e.clijson');
  const tagName = unique('cli-json-tag');
  expect((await request.post('/api/v1/tags', { headers: await asAdmin(request), data: { name: tagName, title: 'CLI JSON tag' } })).status()).toBe(201);
  const app = await importApp(request, { Authorization: `Bearer ${token}` }, { name, version: '1.0.0', title: 'CLI JSON app' });
  const cwd = workDir();
  await expectJsonFromEach(
    [
      [['app', 'list', '--mine'], (j) => expect(j.map((a: { id: string }) => a.id)).toContain(app.id)],
      [['app', 'get', app.id], (j) => expect(j).toMatchObject({ id: app.id, name, version: '1.0.0' })],
      [['app', 'update', app.id, '-v', 'all_users'], (j) => expect(j.visibility).toBe('ALL_USERS')],
      [['app', 'tag', 'add', app.id, tagName], (j) => expect(j.tags.map((t: { name: string }) => t.name)).toEqual([tagName])],
      [['app', 'tag', 'remove', app.id, tagName], (j) => expect(j.tags).toEqual([])],
      [['app', 'download', app.id, '-o', 'json.wave'], (j) => expect(j).toEqual({ file: path.join(cwd, 'json.wave'), bytes: fs.statSync(path.join(cwd, 'json.wave')).size })],
      [['app', 'delete', app.id], (j) => expect(j).toEqual({ deleted: { id: app.id, name, version: '1.0.0' }, instancesKeptRunning: [] })],
    ],
    (...args) => cli(baseURL!, token, cwd, ...args),
  );
});

test('--json on every secret verb prints JSON, never a value', async ({ request, baseURL }) => {
  // Each run starts a node process through tsx: seconds apiece on a busy machine.
  test.setTimeout(120_000);
  const user = await createUser(request);
  const token = await tokenFor(request, user.email, user.password);
  const cwd = workDir();
  const name = unique('cli-json-secret').toLowerCase();
  const noValue = (j: unknown) => expect(JSON.stringify(j)).not.toContain('s3cret');
  await expectJsonFromEach(
    [
      [['secret', 'create', name, '--from-literal', 'password=s3cret'], (j) => (noValue(j), expect(j).toMatchObject({ name, visibility: 'PRIVATE' }))],
      [['secret', 'list'], (j) => (noValue(j), expect(j.map((s: { name: string }) => s.name)).toContain(name))],
      [['secret', 'get', name], (j) => expect(j.keys.map((k: { key: string }) => k.key)).toEqual(['password'])],
      [['secret', 'update', name, '--from-literal', 'user=s3cret'], (j) => (noValue(j), expect(j.keys.map((k: { key: string }) => k.key).sort()).toEqual(['password', 'user']))],
      [['secret', 'delete', name], (j) => expect(j).toEqual({ deleted: name })],
    ],
    (...args) => cli(baseURL!, token, cwd, ...args),
  );
});

test('--json on every tag verb prints JSON', async ({ request, baseURL }) => {
  // Each run starts a node process through tsx: seconds apiece on a busy machine.
  test.setTimeout(120_000);
  const adminToken = await tokenFor(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const cwd = workDir();
  const name = unique('cli-json-cat');
  await expectJsonFromEach(
    [
      [['tag', 'create', name, '--title', 'JSON category', '--category'], (j) => expect(j).toMatchObject({ name, title: 'JSON category', isCategory: true, kind: 'category' })],
      [['tag', 'list'], (j) => expect(j.map((t: { name: string }) => t.name)).toContain(name)],
      [['tag', 'get', name], (j) => expect(j.name).toBe(name)],
      [['tag', 'update', name, '--title', 'JSON renamed'], (j) => expect(j.title).toBe('JSON renamed')],
      [['tag', 'delete', name], (j) => expect(j).toEqual({ deleted: name })],
    ],
    (...args) => cli(baseURL!, adminToken, cwd, ...args),
  );
});

test('secret create --visibility: administrators share a secret; a user is refused with the reason, in one line', async ({ request, baseURL }) => {
  // Each run starts a node process through tsx: seconds apiece on a busy machine.
  test.setTimeout(120_000);
  const user = await createUser(request);
  const userToken = await tokenFor(request, user.email, user.password);
  const adminToken = await tokenFor(request, E2E_ADMIN.email, E2E_ADMIN.password);
  const cwd = workDir();
  const name = unique('cli-shared').toLowerCase();

  const shared = await cli(baseURL!, adminToken, cwd, 'secret', 'create', name, '--visibility', 'all_users', '--from-literal', 'k=v');
  expect(shared.code, shared.err).toBe(0);
  expect(shared.out).toContain(`Created secret ${name} (ALL_USERS)`);
  // Shared with every full-access user: the user lists it.
  const listed = await cli(baseURL!, userToken, cwd, 'secret', 'list', '-v', 'ALL_USERS');
  expect(listed.out).toMatch(new RegExp(`^${name}\\s+ALL_USERS\\s`, 'm'));

  const refused = await cli(baseURL!, userToken, cwd, 'secret', 'create', unique('mine').toLowerCase(), '-v', 'ALL_USERS', '--from-literal', 'k=v');
  expect(refused.code).toBe(1);
  expect(refused.err.trim().split('\n')).toHaveLength(1);
  const usage = await cli(baseURL!, userToken, cwd, 'secret', 'create', unique('mine').toLowerCase(), '-v', 'PUBLIC', '--from-literal', 'k=v');
  expect(usage.code).toBe(2);
  expect(usage.err.split('\n')[0]).toContain('visibility must be one of PRIVATE, ALL_USERS, APP');

  // An invalid name: the portal's message and its first problem, on one line.
  const invalid = await cli(baseURL!, userToken, cwd, 'secret', 'create', 'Not_Valid', '--from-literal', 'a=b');
  expect(invalid.code).toBe(1);
  const lines = invalid.err.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/The secret is not valid\. name: \S.+/);
});
