import { beforeAll, describe, expect, it } from 'vitest';
import type { ValueDeclaration } from '@/db/schema';
import type { Viewer } from '@/lib/auth/policy';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { checkSecretReferences } from './import-check';
import { createSecret } from './store';

useTempDataDir();

function viewer(isAdmin = false): Viewer {
  const u = insertUser({ isAdmin });
  return { id: u.id, email: u.email, name: u.name, isAdmin, roles: [], fullAccess: true };
}
const env = (secret: string, secretKey: string, optional = false): ValueDeclaration => ({
  name: 'X',
  secret,
  secretKey,
  optional,
});

describe('checkSecretReferences', () => {
  let alice: Viewer, bob: Viewer, admin: Viewer;
  beforeAll(() => {
    [alice, bob, admin] = [viewer(), viewer(), viewer(true)];
    createSecret(alice, { name: 'alice-db', visibility: 'PRIVATE', values: { password: 'pw-a' } });
    createSecret(admin, { name: 'shared-db', visibility: 'ALL_USERS', values: { password: 'pw-s', user: 'u' } });
    createSecret(admin, { name: 'app-only', visibility: 'APP', appName: 'some-app', values: { token: 't' } });
  });

  it('accepts the importer’s own PRIVATE secret and an ALL_USERS secret', () => {
    expect(checkSecretReferences(alice, [env('alice-db', 'password')], [env('shared-db', 'user')])).toEqual([]);
  });

  it("refuses another user's PRIVATE secret with the same message as a missing one, naming the entry", () => {
    const foreign = checkSecretReferences(bob, [{ name: 'A', value: 'x', optional: false }, env('alice-db', 'password')], []);
    const missing = checkSecretReferences(bob, [{ name: 'A', value: 'x', optional: false }, env('nope-db', 'password')], []);
    expect(foreign).toMatchObject([{ path: 'Env[1].Secret', message: expect.stringContaining('"alice-db"') }]);
    expect(foreign[0].message.replace('alice-db', 'N')).toBe(missing[0].message.replace('nope-db', 'N'));
    expect(missing[0].path).toBe('Env[1].Secret');
  });

  it('refuses APP secrets for directly imported apps, and admins get no exception for others’ PRIVATE secrets', () => {
    expect(checkSecretReferences(admin, [], [{ path: '/a', secret: 'app-only', secretKey: 'token', optional: false }])).toMatchObject([
      { path: 'File[0].Secret', message: expect.any(String) },
    ]);
    expect(checkSecretReferences(admin, [env('alice-db', 'password')], [])).toHaveLength(1);
  });

  it('refuses a key the secret does not hold, and skips optional references', () => {
    expect(checkSecretReferences(alice, [env('alice-db', 'pasword')], [])).toMatchObject([
      { path: 'Env[0].SecretKey', message: 'Secret "alice-db" has no key "pasword"; its keys are password.' },
    ]);
    expect(checkSecretReferences(bob, [env('alice-db', 'password', true), env('nope', 'k', true)], [])).toEqual([]);
  });

  it("uses the importer's own PRIVATE secret first, then the ALL_USERS one of the same name", () => {
    // Both named "both-db", with different keys: which one was used shows in the key that is accepted.
    const carol = viewer();
    createSecret(carol, { name: 'both-db', visibility: 'PRIVATE', values: { mine: 'c' } });
    createSecret(admin, { name: 'both-db', visibility: 'ALL_USERS', values: { shared: 's' } });
    expect(checkSecretReferences(carol, [env('both-db', 'mine')], [])).toEqual([]);
    expect(checkSecretReferences(carol, [env('both-db', 'shared')], [])).toMatchObject([
      { path: 'Env[0].SecretKey', message: 'Secret "both-db" has no key "shared"; its keys are mine.' },
    ]);
    // Without a PRIVATE secret of that name, the ALL_USERS one is used.
    expect(checkSecretReferences(bob, [env('both-db', 'shared')], [])).toEqual([]);
    expect(checkSecretReferences(bob, [env('both-db', 'mine')], [])).toMatchObject([
      { path: 'Env[0].SecretKey', message: 'Secret "both-db" has no key "mine"; its keys are shared.' },
    ]);
  });

  it('reports a missing secret once, with every key the app needs, where it names them, and a link to My secrets', () => {
    const problems = checkSecretReferences(
      bob,
      [env('team-db', 'user'), { name: 'PLAIN', value: 'x', optional: false }, env('team-db', 'password'), env('team-db', 'user')],
      [{ path: '/etc/db.pem', secret: 'team-db', secretKey: 'cert', optional: false }],
    );
    expect(problems).toEqual([
      {
        path: 'Env[0].Secret',
        message:
          'Secret "team-db" does not exist or is not usable by your apps; this app needs it with the keys cert, password, user (Env[0], Env[2], Env[3], File[0]). Create it as one of your PRIVATE secrets on My secrets, or ask an administrator for an ALL_USERS secret.',
        link: { href: '/my-secrets?name=team-db&keys=cert%2Cpassword%2Cuser#create-secret', label: 'Create team-db on My secrets' },
      },
    ]);
  });

  it('reports every key a usable secret lacks in one line', () => {
    expect(checkSecretReferences(alice, [env('alice-db', 'password'), env('alice-db', 'user'), env('alice-db', 'host')], [])).toEqual([
      { path: 'Env[1].SecretKey', message: 'Secret "alice-db" has no keys "host", "user"; its keys are password.', link: { href: '/my-secrets', label: 'My secrets' } },
    ]);
  });

  it('never puts a value in a message', () => {
    const problems = checkSecretReferences(alice, [env('alice-db', 'x'), env('shared-db', 'x')], []);
    expect(JSON.stringify(problems)).not.toMatch(/pw-a|pw-s/);
  });
});
