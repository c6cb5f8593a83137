import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewApp } from '@/db/schema';
import { instanceEnvironment } from '@/lib/runner/instance-env';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import { instanceSpec } from './spec';

useTempDataDir();

const OIDC_ENV = {
  PUBLIC_URL: 'https://apps.example.test',
  APPS_DOMAIN: 'run.example.test',
  OIDC_ISSUER: 'https://id.example.test/realms/main',
  OIDC_CLIENT_ID: 'portal',
  OIDC_CLIENT_SECRET: 'portal-secret',
  OIDC_SCOPE: 'openid profile email',
  OIDC_APP_CLIENT_ID: 'wave-apps',
  OIDC_APP_CLIENT_SECRET: 'wave-apps-secret',
  OIDC_END_SESSION_URL: 'https://id.example.test/realms/main/protocol/openid-connect/logout',
};

afterEach(() => setEnv(Object.fromEntries(Object.keys(OIDC_ENV).map((k) => [k, undefined]))));

function waveApp(enableOIDC: boolean, routingMode: 'BASE_URL' | 'DOMAIN') {
  const owner = insertUser();
  return insertAppRow({
    ownerId: owner.id,
    runtime: { module: 'app.main', appMode: 'wave', routingMode, enableOIDC } as NewApp['runtime'],
    env: [{ name: 'MY_SETTING', value: 'x', optional: false }],
    bundleSha256: 'a'.repeat(64),
  });
}

const envOf = (appId: string, id = randomUUID()) => {
  const spec = instanceSpec({ id, appId });
  return { spec, env: instanceEnvironment(spec, '/venv', null), id };
};

describe('instances of apps with EnableOIDC = true', () => {
  it('start with the provider, the apps client and their own redirect URL (BASE_URL routing)', () => {
    setEnv(OIDC_ENV);
    const { env, spec, id } = envOf(waveApp(true, 'BASE_URL'));
    expect(env).toMatchObject({
      MY_SETTING: 'x',
      H2O_WAVE_OIDC_PROVIDER_URL: 'https://id.example.test/realms/main',
      H2O_WAVE_OIDC_CLIENT_ID: 'wave-apps',
      H2O_WAVE_OIDC_CLIENT_SECRET: 'wave-apps-secret',
      H2O_WAVE_OIDC_REDIRECT_URL: `https://apps.example.test/instance/${id}/_auth/callback`,
      H2O_WAVE_OIDC_SCOPES: 'openid,profile,email',
      H2O_WAVE_OIDC_END_SESSION_URL: OIDC_ENV.OIDC_END_SESSION_URL,
      H2O_WAVE_OIDC_POST_LOGOUT_REDIRECT_URL: `https://apps.example.test/instance/${id}/`,
    });
    // The secret is marked so: the runner's log names it "(secret)" and never prints a value.
    expect(spec.env.find((e) => e.name === 'H2O_WAVE_OIDC_CLIENT_SECRET')?.secret).toBe(true);
    expect(spec.env.filter((e) => e.name !== 'H2O_WAVE_OIDC_CLIENT_SECRET').every((e) => !e.secret)).toBe(true);
  });

  it('use their own host on DOMAIN routing', () => {
    setEnv(OIDC_ENV);
    const { env, id } = envOf(waveApp(true, 'DOMAIN'));
    expect(env.H2O_WAVE_OIDC_REDIRECT_URL).toBe(`https://${id}.run.example.test/_auth/callback`);
  });

  it('get nothing when the app does not ask, or when no apps client is configured', () => {
    setEnv(OIDC_ENV);
    expect(Object.keys(envOf(waveApp(false, 'BASE_URL')).env).filter((k) => k.startsWith('H2O_WAVE_OIDC'))).toEqual([]);
    setEnv({ OIDC_APP_CLIENT_ID: undefined, OIDC_APP_CLIENT_SECRET: undefined });
    expect(Object.keys(envOf(waveApp(true, 'BASE_URL')).env).filter((k) => k.startsWith('H2O_WAVE_OIDC'))).toEqual([]);
  });
});
