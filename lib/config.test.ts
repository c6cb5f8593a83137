import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@/lib/testing/corpus';
import { useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import { startUp } from './startup';
import {
  allowedCoreEnvRegexes,
  allowedCustomImageRegexes,
  appVersionLimit,
  bundleLimits,
  ConfigError,
  DEFAULT_ALLOWED_CORE_ENV_REGEXES,
  DEFAULT_BUNDLE_LIMITS,
  fullAccessRole,
  parseConfig,
  publicMode,
} from './config';

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
      ALLOWED_CUSTOM_IMAGE_REGEXES: '^a/.*\n^b/.*\n ^c/',
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
    expect(message).toMatch(/ALLOWED_CORE_ENV_REGEXES line 1: "\^H2O_WAVE_\(" is not a valid regular expression/);
    expect(() => parseConfig({ APP_VERSION_LIMIT: '-1' })).toThrow(/APP_VERSION_LIMIT: must be a non-negative integer/);
  });

  it('takes an https OIDC issuer, http only on loopback, and reads the single sign-on settings', () => {
    const sso = { OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 'hush-hush' };
    expect(() => parseConfig({ ...sso, OIDC_ISSUER: 'http://id.example.test/realms/x' })).toThrow(/OIDC_ISSUER: must be an https:\/\/ URL/);
    expect(() => parseConfig({ ...sso, OIDC_ISSUER: 'not a url' })).toThrow(/OIDC_ISSUER: must be a URL/);
    for (const issuer of ['http://127.0.0.1:4000', 'http://localhost:4000/x', 'https://id.example.test/realms/x']) {
      expect(parseConfig({ ...sso, OIDC_ISSUER: issuer }).oidc?.issuer).toBe(issuer);
    }
    const full = parseConfig({
      ...sso,
      OIDC_ISSUER: 'https://id.example.test',
      OIDC_REFRESH_INTERVAL: '60',
      OIDC_CLI_CLIENT_ID: 'cli',
      OIDC_APP_CLIENT_ID: 'apps',
      OIDC_APP_CLIENT_SECRET: 'apps-secret',
    }).oidc;
    expect(full).toMatchObject({ scope: 'openid profile email', refreshIntervalSeconds: 60, cli: { clientId: 'cli', audience: 'cli' }, app: { clientId: 'apps' } });
    expect(full).toMatchObject({ subjectClaim: 'sub', cli: { subjectClaim: 'sub', scope: null } });
    expect(parseConfig({ ...sso, OIDC_ISSUER: 'https://id.example.test' }).oidc).toMatchObject({ refreshIntervalSeconds: 300, cli: null, app: null });
    // Azure AD: `oid` in both tokens, the API's scope instead of a resource; Okta: the user id is `uid` in access tokens.
    const azure = { ...sso, OIDC_ISSUER: 'https://id.example.test', OIDC_CLI_CLIENT_ID: 'cli', OIDC_SUBJECT_CLAIM: 'oid', OIDC_CLI_SCOPE: 'api://portal/.default' };
    expect(parseConfig(azure).oidc).toMatchObject({ subjectClaim: 'oid', cli: { subjectClaim: 'oid', scope: 'api://portal/.default' } });
    expect(parseConfig({ ...azure, OIDC_SUBJECT_CLAIM: undefined, OIDC_CLI_SUBJECT_CLAIM: 'uid' }).oidc).toMatchObject({ subjectClaim: 'sub', cli: { subjectClaim: 'uid' } });
    expect(() => parseConfig({ ...sso, OIDC_ISSUER: 'https://id.example.test', OIDC_REFRESH_INTERVAL: '0' })).toThrow(/OIDC_REFRESH_INTERVAL/);
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

// From the configuration guard tests (issue 10): the README's defaults are the code's defaults, regex
// lists are one per line, and a bad setting is refused at start-up by name.
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const SETTINGS = ['APP_VERSION_LIMIT', 'ALLOWED_CUSTOM_IMAGE_REGEXES', 'ALLOWED_CORE_ENV_REGEXES', 'PUBLIC_MODE', 'FULL_ACCESS_ROLE', ...Object.keys(DEFAULT_BUNDLE_LIMITS)];

describe('the process configuration', () => {
  useTempDataDir();
  afterEach(() => setEnv(Object.fromEntries(SETTINGS.map((name) => [name, undefined]))));

  /** The Default column of the README table row whose first cell is `name`. */
  function documentedDefault(name: string): string {
    const row = README.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    if (!row) throw new Error(`The README has no table row for ${name}.`);
    return row.split('|')[2].trim();
  }

  const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
  function documentedNumber(name: string): number {
    const text = documentedDefault(name).replace(/`/g, '');
    const m = /^([\d,]+)(?:\s+(KiB|MiB|GiB))?$/.exec(text);
    if (!m) throw new Error(`Cannot read the README default of ${name}: ${text}`);
    return Number(m[1].replace(/,/g, '')) * (m[2] ? UNITS[m[2]] : 1);
  }

  it('has the defaults the README documents', () => {
    setEnv(Object.fromEntries(SETTINGS.map((name) => [name, undefined])));
    const limits = bundleLimits();
    for (const [name, value] of Object.entries(limits)) expect(value, name).toBe(documentedNumber(name));
    expect(appVersionLimit()).toBe(documentedNumber('APP_VERSION_LIMIT'));
    expect(documentedDefault('PUBLIC_MODE')).toBe('`false`');
    expect(publicMode()).toBe(false);
    expect(documentedDefault('FULL_ACCESS_ROLE')).toMatch(/^empty/);
    expect(fullAccessRole()).toBe('');
    expect(documentedDefault('ALLOWED_CUSTOM_IMAGE_REGEXES')).toMatch(/^empty/);
    expect(allowedCustomImageRegexes()).toEqual([]);
    // The README lists the default core env regexes in backticks after "The default `ALLOWED_CORE_ENV_REGEXES` are".
    const paragraph = README.slice(README.indexOf('The default `ALLOWED_CORE_ENV_REGEXES` are'), README.indexOf('(plus'));
    const listed = [...paragraph.matchAll(/`(\^[^`]+)`/g)].map((m) => m[1]);
    expect(listed).toEqual(DEFAULT_ALLOWED_CORE_ENV_REGEXES);
    expect(allowedCoreEnvRegexes().map((r) => r.source)).toEqual(DEFAULT_ALLOWED_CORE_ENV_REGEXES);
  });

  it('has every default the README\'s configuration tables document', () => {
    // Every row of every "| Variable | Default |" table, one entry per variable (a row naming several
    // splits its defaults the same way).
    const documented = new Map<string, string>();
    let inTable = false;
    for (const line of README.split('\n')) {
      if (line.startsWith('| Variable | Default |')) inTable = true;
      else if (!line.startsWith('|')) inTable = false;
      else if (inTable && line.startsWith('| `')) {
        const [, namesCell, defaultCell] = line.split('|').map((c) => c.trim());
        const names = namesCell.split(', ').map((n) => n.replace(/`/g, ''));
        const defaults = defaultCell.split(', ');
        names.forEach((name, i) => documented.set(name, names.length === defaults.length ? defaults[i] : defaultCell));
      }
    }
    const plain = parseConfig({});
    const oidc = parseConfig({ OIDC_ISSUER: 'https://id.example.test', OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 's' }).oidc!;
    const withCli = parseConfig({ OIDC_ISSUER: 'https://id.example.test', OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 's', OIDC_CLI_CLIENT_ID: 'cli' }).oidc!;

    /** A default as the README writes it: `123`, `true`, `text`, 20,000, 5 MiB; anything else as written. */
    const literal = (text: string): unknown => {
      const size = /^([\d,]+)(?:\s+(KiB|MiB|GiB))?$/.exec(text);
      if (size) return Number(size[1].replace(/,/g, '')) * (size[2] ? UNITS[size[2]] : 1);
      const code = /^`([^`]*)`$/.exec(text);
      if (!code) return text;
      if (/^-?\d+$/.test(code[1])) return Number(code[1]);
      if (code[1] === 'true' || code[1] === 'false') return code[1] === 'true';
      return code[1];
    };
    const none = (text: string) => (text === '—' || text.startsWith('— ') ? null : text);
    const generated = (text: string) => (text.startsWith('generated into `DATA_DIR/') ? undefined : text);
    const empty = (text: string) => (text.startsWith('empty') ? '' : text);
    const seconds = (text: string) => {
      const m = /^`(\d+)(s|m|h)?`$/.exec(text);
      const unit: Record<string, number> = { s: 1, m: 60, h: 3600 };
      return m ? Number(m[1]) * unit[m[2] ?? 's'] * 1000 : text;
    };

    /** Each documented variable: what the code holds with nothing set, and what the README says it is. */
    const pinned: Record<string, [actual: unknown, fromReadme: (text: string) => unknown]> = {
      DATA_DIR: [plain.dataDir, (t) => path.resolve(String(literal(t)))],
      PORT: [plain.port, literal],
      HOSTNAME: [plain.hostname, literal],
      AUTH_SECRET: [plain.authSecret, generated],
      SECRETS_KEY: [plain.secretsKey, generated],
      ADMIN_EMAIL: [plain.adminEmail ?? null, none],
      ADMIN_PASSWORD: [plain.admin ?? null, none],
      FULL_ACCESS_ROLE: [plain.fullAccessRole, empty],
      PUBLIC_MODE: [plain.publicMode, literal],
      APP_VERSION_LIMIT: [plain.appVersionLimit, literal],
      ALLOWED_CUSTOM_IMAGE_REGEXES: [plain.allowedCustomImageRegexes.join('\n'), empty],
      // Its list is compared with the README's paragraph in the test above.
      ALLOWED_CORE_ENV_REGEXES: [plain.allowedCoreEnvRegexes.map((r) => r.source), (t) => (t.startsWith("the platform's list") ? DEFAULT_ALLOWED_CORE_ENV_REGEXES : t)],
      OIDC_ISSUER: [plain.oidc, none],
      OIDC_CLIENT_ID: [plain.oidc, none],
      OIDC_CLIENT_SECRET: [plain.oidc, none],
      OIDC_NAME: [oidc.name, literal],
      OIDC_SCOPE: [oidc.scope, literal],
      OIDC_ROLES_CLAIM: [oidc.rolesClaim, literal],
      OIDC_ADMIN_ROLE: [oidc.adminRole, literal],
      OIDC_REFRESH_INTERVAL: [oidc.refreshIntervalSeconds, literal],
      OIDC_CLI_CLIENT_ID: [oidc.cli, none],
      OIDC_API_AUDIENCE: [withCli.cli!.audience, (t) => (t === '— (audience: the CLI client id)' ? 'cli' : t)],
      OIDC_SUBJECT_CLAIM: [oidc.subjectClaim, literal],
      OIDC_CLI_SUBJECT_CLAIM: [withCli.cli!.subjectClaim, (t) => (t === '`OIDC_SUBJECT_CLAIM`' ? 'sub' : t)],
      OIDC_CLI_SCOPE: [withCli.cli!.scope, (t) => (t.startsWith('— (') ? null : t)],
      OIDC_APP_CLIENT_ID: [oidc.app, none],
      OIDC_APP_CLIENT_SECRET: [oidc.app, none],
      OIDC_END_SESSION_URL: [oidc.endSessionUrl, none],
      CATALOG_CACHE: [plain.catalogCache, (t) => (t === 'on' ? true : t === 'off' ? false : t)],
      TRUST_PROXY: [plain.trustProxy.enabled, literal],
      TRUST_PROXY_HOPS: [plain.trustProxy.hops, literal],
      SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: [plain.signInThrottle.accountAddress, literal],
      SIGNIN_FAILURES_PER_ADDRESS: [plain.signInThrottle.address, literal],
      SIGNIN_FAILURES_PER_ACCOUNT: [plain.signInThrottle.account, literal],
      STAGED_UPLOAD_TTL: [plain.stagedUploadTtlMs, seconds],
      STAGED_UPLOAD_QUOTA: [
        plain.stagedUploadQuota,
        (t) => {
          const m = /^(\d+) × `BUNDLE_MAX_BYTES`$/.exec(t);
          return m ? Number(m[1]) * Number(literal(documented.get('BUNDLE_MAX_BYTES')!)) : t;
        },
      ],
      DB_BUSY_TIMEOUT_MS: [plain.databaseBusyTimeoutMs, literal],
      DB_BUSY_RETRY_MS: [plain.databaseBusyRetryMs, literal],
      ALLOW_PRIVATE_LINK_ADDRESSES: [plain.allowPrivateLinkAddresses, literal],
      ...Object.fromEntries(Object.entries(plain.bundleLimits).map(([name, value]) => [name, [value, literal] as const])),
      RUNNER_DIR: [plain.runner.dir, (t) => (t === '`DATA_DIR/runner`' ? path.resolve('./data/runner') : t)],
      RUNNER_SANDBOX: [plain.runner.sandbox, literal],
      INSTANCE_START_TIMEOUT: [plain.instances.startTimeoutMs, seconds],
      RUNNER_UID_BASE: [plain.runner.uidBase, literal],
      RUNNER_UID_COUNT: [plain.runner.uidCount, literal],
      INSTANCE_LOG_BYTES: [plain.runner.logBytes, literal],
      INSTANCE_EGRESS: [plain.runner.egress, literal],
      INSTANCE_REACH_HOST: [plain.runner.reachHost, literal],
      PIP_INDEX_URL: [plain.runner.pipEnv, (t) => (t === '—' ? {} : t)],
      'PIP_*': [plain.runner.pipEnv, (t) => (t === '—' ? {} : t)],
      'HTTP(S)_PROXY': [plain.runner.pipEnv, (t) => (t === '—' ? {} : t)],
      NO_PROXY: [plain.runner.pipEnv, (t) => (t === '—' ? {} : t)],
      RUNNER_BWRAP: [plain.runner.bwrap, literal],
      RUNNER_SLIRP4NETNS: [plain.runner.slirp4netns, literal],
      PUBLIC_URL: [plain.publicUrl, (t) => String(literal(t)).replace('<PORT>', String(literal(documented.get('PORT')!)))],
      APPS_DOMAIN: [plain.appsDomain, (t) => (t === 'the host[:port] of `PUBLIC_URL`' ? new URL(plain.publicUrl).host : t)],
      APPS_ORIGIN: [plain.appsOrigin, (t) => (t === '`PUBLIC_URL`' ? plain.publicUrl : t)],
      INSTANCE_LIMIT: [plain.instances.limit, literal],
      VISITOR_INSTANCE_LIMIT: [plain.instances.visitorLimit, literal],
      INSTANCE_TIMEOUT: [plain.instances.defaultTimeout, (t) => String(literal(t))],
      MIGRATION_BACKUPS_KEEP: [plain.migrationBackupsKeep, literal],
      // The README states the rule, and what it gives on the 2-core machines the figures come from.
      RENDER_WORKERS: [
        plain.renderWorkers,
        (t) => (t === 'cores − 1, at most `3` (`1` on 2 cores)' ? Math.max(0, Math.min(3, os.availableParallelism() - 1)) : t),
      ],
    };
    // Nothing documented goes unchecked, and nothing checked goes undocumented.
    expect([...documented.keys()].sort()).toEqual(Object.keys(pinned).sort());
    for (const [name, [actual, fromReadme]] of Object.entries(pinned)) {
      expect(actual, `${name} (README: ${documented.get(name)})`).toEqual(fromReadme(documented.get(name)!));
    }
    // Documented in the Operating section's prose.
    const keep = /the last `MIGRATION_BACKUPS_KEEP`, default (\d+),/.exec(README);
    expect(keep, 'the README states the MIGRATION_BACKUPS_KEEP default').not.toBeNull();
    expect(plain.migrationBackupsKeep).toBe(Number(keep![1]));
  });

  it('follows the environment once reloaded, and 0 turns the version limit off', () => {
    setEnv({ BUNDLE_MAX_BYTES: '2097152', APP_VERSION_LIMIT: '0' });
    expect(bundleLimits().BUNDLE_MAX_BYTES).toBe(2097152);
    expect(appVersionLimit()).toBe(0);
  });

  it('reads regex lists one per line, with commas kept inside a regex', () => {
    setEnv({ ALLOWED_CUSTOM_IMAGE_REGEXES: '^registry\\.example\\.com/app-[a-z]{2,3}:1$\n\n  ^ghcr\\.io/org/  \r\n' });
    const regexes = allowedCustomImageRegexes();
    expect(regexes.map((r) => r.source)).toEqual(['^registry\\.example\\.com\\/app-[a-z]{2,3}:1$', '^ghcr\\.io\\/org\\/']);
    expect(regexes[0].test('registry.example.com/app-abc:1')).toBe(true);
    expect(regexes[0].test('registry.example.com/app-abcd:1')).toBe(false);
    setEnv({ ALLOWED_CORE_ENV_REGEXES: '^H2O_WAVE_X{1,2}$' });
    expect(allowedCoreEnvRegexes().map((r) => r.test('H2O_WAVE_XX'))).toEqual([true]);
  });

  it('refuses a regex that does not compile, naming the variable, the line and the regex', () => {
    expect(() => setEnv({ ALLOWED_CUSTOM_IMAGE_REGEXES: '^ok/\n^broken(/' })).toThrow(
      /ALLOWED_CUSTOM_IMAGE_REGEXES line 2: "\^broken\(\/" is not a valid regular expression/,
    );
    expect(() => setEnv({ ALLOWED_CUSTOM_IMAGE_REGEXES: undefined, ALLOWED_CORE_ENV_REGEXES: '[unclosed' })).toThrow(
      /ALLOWED_CORE_ENV_REGEXES line 1: "\[unclosed"/,
    );
  });

  it('stops the start-up on a bad setting, naming it, before touching anything', async () => {
    process.env.ALLOWED_CUSTOM_IMAGE_REGEXES = '*nope';
    await expect(startUp()).rejects.toThrow(/ALLOWED_CUSTOM_IMAGE_REGEXES line 1: "\*nope"/);
    delete process.env.ALLOWED_CUSTOM_IMAGE_REGEXES;
    process.env.IMAGE_MAX_BYTES = 'ten';
    await expect(startUp()).rejects.toThrow(/IMAGE_MAX_BYTES: must be a non-negative integer/);
    delete process.env.IMAGE_MAX_BYTES;
  });
});
