import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_BUNDLE_LIMITS, parseConfig } from './config';

describe('configuration', () => {
  it('applies the README defaults to an empty environment', () => {
    const config = parseConfig({});
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.port).toBe(3000);
    expect(config.hostname).toBe('0.0.0.0');
    expect(config.publicMode).toBe(false);
    expect(config.fullAccessRole).toBe('');
    expect(config.appVersionLimit).toBe(10);
    expect(config.allowedCustomImageRegexes).toEqual([]);
    expect(config.allowedCoreEnvRegexes.map(String)).toContain('/^H2O_WAVE_NO_STORE$/');
    expect(config.bundleLimits).toEqual(DEFAULT_BUNDLE_LIMITS);
    expect(config.oidc).toBeNull();
    expect(config.admin).toBeUndefined();
    expect(config.catalogCache).toBe(true);
  });

  it('reads each value, blank meaning the default', () => {
    const config = parseConfig({
      PORT: '8080',
      PUBLIC_MODE: 'on',
      FULL_ACCESS_ROLE: ' full ',
      APP_VERSION_LIMIT: '0',
      BUNDLE_MAX_BYTES: '1024',
      IMAGE_MAX_BYTES: '',
      ALLOWED_CUSTOM_IMAGE_REGEXES: '^a/.*\n^b/.*, ^c/',
      ADMIN_EMAIL: 'Boss@Example.test',
      ADMIN_PASSWORD: 'pw',
      OIDC_ISSUER: 'https://id.example.test',
      OIDC_CLIENT_ID: 'portal',
      OIDC_CLIENT_SECRET: 's',
      CATALOG_CACHE: 'off',
    });
    expect(config.port).toBe(8080);
    expect(config.publicMode).toBe(true);
    expect(config.fullAccessRole).toBe('full');
    expect(config.appVersionLimit).toBe(0);
    expect(config.bundleLimits.BUNDLE_MAX_BYTES).toBe(1024);
    expect(config.bundleLimits.IMAGE_MAX_BYTES).toBe(DEFAULT_BUNDLE_LIMITS.IMAGE_MAX_BYTES);
    expect(config.allowedCustomImageRegexes.map((r) => r.source)).toEqual(['^a\\/.*', '^b\\/.*', '^c\\/']);
    expect(config.admin).toEqual({ email: 'boss@example.test', password: 'pw' });
    expect(config.oidc).toMatchObject({ issuer: 'https://id.example.test', name: 'Single sign-on', rolesClaim: 'realm_access.roles', adminRole: 'admin' });
    expect(config.catalogCache).toBe(false);
  });

  it('refuses bad values at once, naming every variable', () => {
    const attempt = () =>
      parseConfig({ BUNDLE_MAX_ENTRIES: '20k', PORT: '70000', PUBLIC_MODE: 'maybe', ALLOWED_CORE_ENV_REGEXES: '^H2O_WAVE_(' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/BUNDLE_MAX_ENTRIES: must be a non-negative integer \(got "20k"\)/);
    expect(message).toMatch(/PORT: must be at most 65535/);
    expect(message).toMatch(/PUBLIC_MODE: must be true or false/);
    expect(message).toMatch(/ALLOWED_CORE_ENV_REGEXES: "\^H2O_WAVE_\(" is not a regular expression/);
    expect(() => parseConfig({ APP_VERSION_LIMIT: '-1' })).toThrow(/APP_VERSION_LIMIT: must be a non-negative integer/);
  });
});

describe('the server start', () => {
  it('stops with a message naming the variable when a value is bad', async () => {
    const { spawnSync } = await import('node:child_process');
    const root = path.resolve(import.meta.dirname, '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts', '-p', '3999'], {
      cwd: root,
      env: { ...process.env, BUNDLE_MAX_BYTES: '512MB' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/BUNDLE_MAX_BYTES: must be a non-negative integer \(got "512MB"\)/);
  });
});
