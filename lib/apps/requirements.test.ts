import { describe, expect, it } from 'vitest';
import type { RuntimeSettings } from '@/db/schema';
import { createSecret } from '@/lib/secrets/store';
import { insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { appRequirements } from './requirements';

useTempDataDir();

const runtime = (over: Partial<RuntimeSettings> = {}) => ({ volumeMount: null, volumeSize: null, enableOIDC: false, ...over }) as RuntimeSettings;

describe('appRequirements', () => {
  it('shows the owner and administrators the secrets, names, volume and OIDC an app needs; nobody else', () => {
    const [owner, other] = [viewerOf(insertUser()), viewerOf(insertUser())];
    const admin = viewerOf(insertUser({ isAdmin: true }), { isAdmin: true });
    createSecret(owner, { name: 'db', visibility: 'PRIVATE', values: { user: 'u' } });
    const app = {
      ownerId: owner.id,
      env: [
        { name: 'DB_USER', secret: 'db', secretKey: 'user', optional: false },
        { name: 'DB_PASSWORD', secret: 'db', secretKey: 'password', optional: false },
        { name: 'MODE', value: 'fast', optional: false },
        { name: 'API_TOKEN', secret: 'api', secretKey: 'token', optional: true },
      ],
      files: [{ path: '/etc/db.pem', secret: 'db', secretKey: 'cert', optional: false }],
      runtime: runtime({ volumeMount: '/data', volumeSize: '2Gi', enableOIDC: true }),
    };
    expect(appRequirements(other, app)).toBeNull();
    expect(appRequirements(null, app)).toBeNull();
    const seen = appRequirements(owner, app)!;
    expect(appRequirements(admin, app)).toEqual(seen);
    expect(seen.secrets).toEqual([
      { name: 'db', keys: ['cert', 'password', 'user'], entries: ['Env[0]', 'Env[1]', 'File[0]'], optional: false, status: { missing: false, lacking: ['cert', 'password'] } },
      { name: 'api', keys: ['token'], entries: ['Env[3]'], optional: true, status: { missing: true } },
    ]);
    expect(seen.env.map((e) => [e.target, e.source.kind])).toEqual([
      ['DB_USER', 'secret'],
      ['DB_PASSWORD', 'secret'],
      ['MODE', 'value'],
      ['API_TOKEN', 'secret'],
    ]);
    expect(seen.files).toEqual([{ target: '/etc/db.pem', source: { kind: 'secret', secret: 'db', key: 'cert' }, optional: false }]);
    expect(seen.volume).toEqual({ mount: '/data', size: '2Gi' });
    expect(seen.oidc).toBe(true);
    expect(JSON.stringify(seen)).not.toContain('fast'); // a literal value is not repeated here
  });

  it('says no volume and no OIDC for an app without them, and for LINK apps', () => {
    const owner = viewerOf(insertUser());
    expect(appRequirements(owner, { ownerId: owner.id, env: [], files: [], runtime: runtime() })).toMatchObject({ volume: null, oidc: false, secrets: [] });
    expect(appRequirements(owner, { ownerId: owner.id, env: [], files: [], runtime: null })).toMatchObject({ volume: null, oidc: false });
  });
});
