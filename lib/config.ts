// Portal configuration: every environment variable the portal reads, validated once with zod (defaults as
// listed in the README). Nothing else reads process.env. A bad value stops the start naming the variable;
// the server (server.ts) and Next's start-up (instrumentation.ts → lib/startup.ts) load it first.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { durationMs } from './instances/duration';

const MiB = 1024 * 1024;

/** Default limits for reading a bundle; each is overridable by the environment variable of the same name. */
export const DEFAULT_BUNDLE_LIMITS = {
  /** Size of the .wave archive itself. */
  BUNDLE_MAX_BYTES: 512 * MiB,
  /** Number of entries (files and directories) in the archive. */
  BUNDLE_MAX_ENTRIES: 20_000,
  /** Sum of the uncompressed sizes of all entries. */
  BUNDLE_MAX_UNCOMPRESSED_BYTES: 2048 * MiB,
  /** Size of app.toml once inflated. */
  APP_TOML_MAX_BYTES: 256 * 1024,
  /** Size of the LongDescription Markdown file once inflated. */
  LONG_DESCRIPTION_MAX_BYTES: 1 * MiB,
  /** Size of one icon or screenshot once inflated. */
  IMAGE_MAX_BYTES: 10 * MiB,
  /** Size of requirements.txt / packages.txt once inflated. */
  DEPENDENCY_LIST_MAX_BYTES: 256 * 1024,
} as const;

export type BundleLimits = { -readonly [K in keyof typeof DEFAULT_BUNDLE_LIMITS]: number };

/** The platform's default allowedCoreEnvRegexs: H2O_WAVE_* names an app may still set. */
export const DEFAULT_ALLOWED_CORE_ENV_REGEXES = [
  '^H2O_WAVE_ML_.*',
  '^H2O_WAVE_PUBLIC_DIR$',
  '^H2O_WAVE_PRIVATE_DIR$',
  '^H2O_WAVE_MAX_REQUEST_SIZE$',
  '^H2O_WAVE_NO_STORE$',
  '^H2O_WAVE_SESSION_INACTIVITY_TIMEOUT$',
  '^H2O_WAVE_DATA_DIR$',
  '^H2O_WAVE_PING_INTERVAL$',
];

/** An unset or blank variable is absent, so its default applies. */
const text = () =>
  z
    .string()
    .optional()
    .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const count = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  text().pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a non-negative integer')
      .transform(Number)
      .pipe(z.number().max(max, `must be at most ${max}`))
      .optional()
      .transform((n) => n ?? fallback),
  );

const flag = (fallback: boolean) =>
  text().pipe(
    z
      .string()
      .regex(/^(1|true|yes|on|0|false|no|off)$/i, 'must be true or false (or on/off, yes/no, 1/0)')
      .transform((s) => /^(1|true|yes|on)$/i.test(s))
      .optional()
      .transform((b) => b ?? fallback),
  );

/**
 * Regular expressions, one per line (commas belong to the regex: `^x{2,3}$`); blank lines are skipped and
 * a line that does not compile is refused, naming the line and the regex.
 */
const regexList = (fallback: string[]) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const lines = raw === undefined ? fallback : raw.split(/\r?\n/);
      const out: RegExp[] = [];
      for (const [i, line] of lines.entries()) {
        const source = line.trim();
        if (source === '') continue;
        try {
          out.push(new RegExp(source));
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `line ${i + 1}: ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message})` });
          return z.NEVER;
        }
      }
      return out;
    });

/** A duration such as `1h`, `90m`, `30s` (InstanceTimeout's form); `-1` (never) only where allowed. */
const duration = (fallback: string, allowNever: boolean) =>
  text().transform((raw, ctx) => {
    const value = raw ?? fallback;
    try {
      // A bare number is seconds here (`300`), unlike in app.toml, where a unit is required.
      const ms = /^\d+$/.test(value) ? Number(value) * 1000 : durationMs(value);
      if (ms === null && !allowNever) throw new Error('never');
      return { text: value, ms };
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a duration such as "5m" or "1h"${allowNever ? ' (or -1 for never)' : ''}` });
      return z.NEVER;
    }
  });

/** An http(s) origin such as `https://apps.example.com` (no path). */
const origin = () =>
  text().pipe(
    z
      .string()
      .regex(/^https?:\/\/[^/\s?#]+\/?$/i, 'must be an origin such as https://appstore.example.com (no path)')
      .transform((s) => s.replace(/\/+$/, ''))
      .optional(),
  );

const bundleLimitFields = Object.fromEntries(
  Object.entries(DEFAULT_BUNDLE_LIMITS).map(([name, fallback]) => [name, count(fallback)]),
) as { [K in keyof BundleLimits]: ReturnType<typeof count> };

/** Render workers by default: one less than the cores (the primary keeps one), at most 3. */
export function defaultRenderWorkers(cores = os.availableParallelism()): number {
  return Math.max(0, Math.min(3, cores - 1));
}

/** Shortest AUTH_SECRET accepted: 32 bytes, the key size of the HMAC/encryption it feeds. */
export const AUTH_SECRET_MIN_BYTES = 32;

const schema = z.object({
  DATA_DIR: text(),
  PORT: count(3000, 65535),
  HOSTNAME: text(),
  AUTH_SECRET: text().superRefine((value, ctx) => {
    const bytes = value === undefined ? Infinity : Buffer.byteLength(value, 'utf8');
    if (bytes >= AUTH_SECRET_MIN_BYTES) return;
    ctx.addIssue({
      code: 'custom',
      message: `AUTH_SECRET is ${bytes} bytes long; it must be at least ${AUTH_SECRET_MIN_BYTES} (generate one with \`openssl rand -base64 32\`), or unset it to have one generated into DATA_DIR`,
    });
  }),
  TRUST_PROXY: flag(false),
  TRUST_PROXY_HOPS: count(1).pipe(z.number().min(1, 'must be at least 1')),
  SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: count(5),
  SIGNIN_FAILURES_PER_ADDRESS: count(30),
  SIGNIN_FAILURES_PER_ACCOUNT: count(200),
  ALLOW_PRIVATE_LINK_ADDRESSES: flag(false),
  ADMIN_EMAIL: text(),
  ADMIN_PASSWORD: z.string().optional(),
  FULL_ACCESS_ROLE: text(),
  PUBLIC_MODE: flag(false),
  APP_VERSION_LIMIT: count(10),
  ALLOWED_CUSTOM_IMAGE_REGEXES: regexList([]),
  ALLOWED_CORE_ENV_REGEXES: regexList(DEFAULT_ALLOWED_CORE_ENV_REGEXES),
  SECRETS_KEY: text(),
  OIDC_ISSUER: text().pipe(
    z
      .string()
      .refine((v) => issuerProblem(v) === null, { error: (issue) => issuerProblem(String(issue.input)) ?? '' })
      .optional(),
  ),
  OIDC_CLIENT_ID: text(),
  OIDC_CLIENT_SECRET: text(),
  OIDC_NAME: text(),
  OIDC_ROLES_CLAIM: text(),
  OIDC_ADMIN_ROLE: text(),
  OIDC_SCOPE: text(),
  OIDC_REFRESH_INTERVAL: count(300).pipe(z.number().min(1, 'must be at least 1 (seconds)')),
  OIDC_SUBJECT_CLAIM: text(),
  OIDC_CLI_CLIENT_ID: text(),
  OIDC_API_AUDIENCE: text(),
  OIDC_CLI_SUBJECT_CLAIM: text(),
  OIDC_CLI_SCOPE: text(),
  OIDC_APP_CLIENT_ID: text(),
  OIDC_APP_CLIENT_SECRET: text(),
  OIDC_END_SESSION_URL: text(),
  CATALOG_CACHE: flag(true),
  INSTANCE_LIMIT: count(10),
  VISITOR_INSTANCE_LIMIT: count(5),
  INSTANCE_TIMEOUT: duration('1h', true),
  INSTANCE_START_TIMEOUT: duration('5m', false),
  PUBLIC_URL: origin(),
  APPS_DOMAIN: text().pipe(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'must be host[:port], e.g. apps.example.com').optional()),
  APPS_ORIGIN: origin(),
  RUNNER_DIR: text(),
  MIGRATION_BACKUPS_KEEP: count(5),
  INSTANCE_EGRESS: flag(true),
  INSTANCE_REACH_HOST: flag(false),
  RUNNER_SANDBOX: text().pipe(z.enum(['on', 'off', 'ON', 'OFF', 'On', 'Off'], 'must be on or off').optional()),
  RUNNER_UID_BASE: count(200_000),
  RUNNER_UID_COUNT: count(60_000),
  INSTANCE_LOG_BYTES: count(5 * MiB),
  RUNNER_BWRAP: text(),
  RUNNER_SLIRP4NETNS: text(),
  STAGED_UPLOAD_TTL: count(3600).pipe(z.number().min(1, 'must be at least 1 (seconds)')),
  STAGED_UPLOAD_QUOTA: count(0),
  DB_BUSY_TIMEOUT_MS: count(20),
  DB_BUSY_RETRY_MS: count(2000),
  RENDER_WORKERS: count(defaultRenderWorkers(), 64),
  ...bundleLimitFields,
});

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  rolesClaim: string;
  adminRole: string;
  /** Scopes asked for at sign-in (OIDC_SCOPE, default `openid profile email`). */
  scope: string;
  /** Seconds after which a signed-in user's roles are read again from the provider (refresh token grant). */
  refreshIntervalSeconds: number;
  /**
   * The claim naming the user, in the id_token and (unless `cli.subjectClaim` says otherwise) in the CLI's
   * access tokens (OIDC_SUBJECT_CLAIM, default `sub`; Azure AD: `oid`, the same for every application).
   */
  subjectClaim: string;
  /**
   * The CLI's public client (`appstore login --sso`), the audience its access tokens carry, the claim naming the
   * user in them (OIDC_CLI_SUBJECT_CLAIM; Okta: `uid`), and the scopes it asks for (OIDC_CLI_SCOPE: when set,
   * instead of OIDC_SCOPE with a `resource` parameter, e.g. Azure AD's `api://<app id>/.default`).
   */
  cli: { clientId: string; audience: string; subjectClaim: string; scope: string | null } | null;
  /** The client apps with `EnableOIDC = true` sign their users in with (H2O_WAVE_OIDC_*). */
  app: { clientId: string; clientSecret: string } | null;
  /** The provider's logout URL handed to those apps (OIDC_END_SESSION_URL); the portal itself uses discovery. */
  endSessionUrl: string | null;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The issuer must be https: the id_token's keys and the token endpoint are fetched from it. Plain http is
 * accepted only on loopback (a provider on the same machine, as in the tests).
 */
export function issuerProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL, e.g. https://keycloak.example.com/realms/main';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must be an https:// URL (http:// only for a provider on loopback)';
}

export interface Config {
  dataDir: string;
  port: number;
  hostname: string;
  /** AUTH_SECRET (at least 32 bytes); when absent a key is generated into DATA_DIR (lib/auth/secret.ts). */
  authSecret: string | undefined;
  /**
   * Whose address a request comes from. Off (default): the TCP peer. On: the portal runs behind `hops`
   * reverse proxies, each appending to X-Forwarded-For; the client is the rightmost address they did not add.
   */
  trustProxy: { enabled: boolean; hops: number };
  /** Failed sign-ins allowed before each further attempt must wait, per scope (README: Sign-in throttle). */
  signInThrottle: { accountAddress: number; address: number; account: number };
  /** Whether a LINK app's address may point to loopback, link-local or private addresses (off by default). */
  allowPrivateLinkAddresses: boolean;
  /** ADMIN_EMAIL + ADMIN_PASSWORD, when both are set. */
  admin: { email: string; password: string } | undefined;
  /** ADMIN_EMAIL alone names the generated first administrator. */
  adminEmail: string | undefined;
  /** Role that grants full access; empty means every signed-in user has full access. */
  fullAccessRole: string;
  publicMode: boolean;
  /** Imported versions a non-admin may hold; 0 means no limit. */
  appVersionLimit: number;
  /** Container images admins may import (`Runtime.CustomImage`); empty by default, so none pass. */
  allowedCustomImageRegexes: RegExp[];
  allowedCoreEnvRegexes: RegExp[];
  /** SECRETS_KEY as given (hex or base64, checked by lib/secrets/crypto.ts); absent → generated into DATA_DIR. */
  secretsKey: string | undefined;
  /** Sign-in through OpenID Connect, when issuer, client id and secret are all set. */
  oidc: OidcConfig | null;
  catalogCache: boolean;
  bundleLimits: BundleLimits;
  /** The portal's public URL (PUBLIC_URL, default http://localhost:<PORT>). */
  publicUrl: string;
  /** APPS_DOMAIN (default: the public URL's host[:port]). */
  appsDomain: string;
  /** APPS_ORIGIN (default: the public URL). */
  appsOrigin: string;
  instances: { limit: number; visitorLimit: number; defaultTimeout: string; startTimeoutMs: number };
  /** Copies of the database taken before migrations that are kept in DATA_DIR/backups/. */
  migrationBackupsKeep: number;
  /** The local runner (README: "Running apps: the local runner"). */
  runner: {
    dir: string;
    sandbox: 'on' | 'off';
    uidBase: number;
    uidCount: number;
    logBytes: number;
    bwrap: string;
    slirp4netns: string;
    /** INSTANCE_EGRESS: instances may open outbound connections. */
    egress: boolean;
    /** INSTANCE_REACH_HOST: with egress, instances may also connect to the host's own non-loopback addresses. */
    reachHost: boolean;
    /** `PIP_*` and proxy variables handed to pip when environments are built. */
    pipEnv: Record<string, string>;
  };
  /** How long a staged upload waits for its import before the periodic sweep removes it. */
  stagedUploadTtlMs: number;
  /** Bytes one user may have staged at once, in flight or waiting (default twice BUNDLE_MAX_BYTES). */
  stagedUploadQuota: number;
  /** How long a write waits for a lock another process holds before answering 503. */
  databaseBusyTimeoutMs: number;
  databaseBusyRetryMs: number;
  /** Processes forked to render the catalog's read pages beside the server (server.ts); 0: the server renders all. */
  renderWorkers: number;
}

/** Variables whose values must not appear in a message or log line. */
const SECRET_VARIABLES = new Set(['AUTH_SECRET', 'ADMIN_PASSWORD', 'SECRETS_KEY', 'OIDC_CLIENT_SECRET', 'OIDC_APP_CLIENT_SECRET']);

/** A bad configuration value; the message names every offending variable. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Parses and validates `env` (the process environment plus e.g. command-line options); throws ConfigError. */
export function parseConfig(env: Env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // A regex list names its line; a message may be a whole sentence; secrets are never echoed.
      if (issue.message.startsWith('line ')) return `${name} ${issue.message}`;
      if (issue.message.startsWith(`${name} `)) return issue.message;
      return `${name}: ${issue.message}${SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(env[name])})`}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  const limits = {} as BundleLimits;
  for (const key of Object.keys(DEFAULT_BUNDLE_LIMITS) as (keyof BundleLimits)[]) limits[key] = e[key];
  const adminEmail = e.ADMIN_EMAIL?.toLowerCase();
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    dataDir: path.resolve(/*turbopackIgnore: true*/ e.DATA_DIR ?? './data'),
    port: e.PORT,
    hostname: e.HOSTNAME ?? '0.0.0.0',
    authSecret: e.AUTH_SECRET,
    trustProxy: { enabled: e.TRUST_PROXY, hops: e.TRUST_PROXY_HOPS },
    signInThrottle: {
      accountAddress: e.SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
      address: e.SIGNIN_FAILURES_PER_ADDRESS,
      account: e.SIGNIN_FAILURES_PER_ACCOUNT,
    },
    allowPrivateLinkAddresses: e.ALLOW_PRIVATE_LINK_ADDRESSES,
    admin: adminEmail && e.ADMIN_PASSWORD ? { email: adminEmail, password: e.ADMIN_PASSWORD } : undefined,
    adminEmail,
    fullAccessRole: e.FULL_ACCESS_ROLE ?? '',
    publicMode: e.PUBLIC_MODE,
    appVersionLimit: e.APP_VERSION_LIMIT,
    allowedCustomImageRegexes: e.ALLOWED_CUSTOM_IMAGE_REGEXES,
    allowedCoreEnvRegexes: e.ALLOWED_CORE_ENV_REGEXES,
    secretsKey: e.SECRETS_KEY,
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            name: e.OIDC_NAME ?? 'Single sign-on',
            rolesClaim: e.OIDC_ROLES_CLAIM ?? 'realm_access.roles',
            adminRole: e.OIDC_ADMIN_ROLE ?? 'admin',
            scope: e.OIDC_SCOPE ?? 'openid profile email',
            refreshIntervalSeconds: e.OIDC_REFRESH_INTERVAL,
            subjectClaim: e.OIDC_SUBJECT_CLAIM ?? 'sub',
            cli: e.OIDC_CLI_CLIENT_ID
              ? {
                  clientId: e.OIDC_CLI_CLIENT_ID,
                  audience: e.OIDC_API_AUDIENCE ?? e.OIDC_CLI_CLIENT_ID,
                  subjectClaim: e.OIDC_CLI_SUBJECT_CLAIM ?? e.OIDC_SUBJECT_CLAIM ?? 'sub',
                  scope: e.OIDC_CLI_SCOPE ?? null,
                }
              : null,
            app:
              e.OIDC_APP_CLIENT_ID && e.OIDC_APP_CLIENT_SECRET
                ? { clientId: e.OIDC_APP_CLIENT_ID, clientSecret: e.OIDC_APP_CLIENT_SECRET }
                : null,
            endSessionUrl: e.OIDC_END_SESSION_URL ?? null,
          }
        : null,
    catalogCache: e.CATALOG_CACHE,
    bundleLimits: limits,
    publicUrl,
    appsDomain: e.APPS_DOMAIN?.toLowerCase() ?? new URL(publicUrl).host,
    appsOrigin: e.APPS_ORIGIN ?? publicUrl,
    migrationBackupsKeep: e.MIGRATION_BACKUPS_KEEP,
    runner: {
      dir: path.resolve(/*turbopackIgnore: true*/ e.RUNNER_DIR ?? path.join(e.DATA_DIR ?? './data', 'runner')),
      sandbox: e.RUNNER_SANDBOX?.toLowerCase() === 'off' ? 'off' : 'on',
      uidBase: e.RUNNER_UID_BASE,
      uidCount: e.RUNNER_UID_COUNT,
      logBytes: e.INSTANCE_LOG_BYTES,
      egress: e.INSTANCE_EGRESS,
      reachHost: e.INSTANCE_REACH_HOST,
      bwrap: e.RUNNER_BWRAP ?? '/usr/bin/bwrap',
      slirp4netns: e.RUNNER_SLIRP4NETNS ?? '/usr/bin/slirp4netns',
      pipEnv: Object.fromEntries(
        Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && (/^PIP_/.test(entry[0]) || /^(https?|no|all)_proxy$/i.test(entry[0]))),
      ),
    },
    instances: {
      limit: e.INSTANCE_LIMIT,
      visitorLimit: e.VISITOR_INSTANCE_LIMIT,
      defaultTimeout: e.INSTANCE_TIMEOUT.text,
      startTimeoutMs: e.INSTANCE_START_TIMEOUT.ms!,
    },
    stagedUploadTtlMs: e.STAGED_UPLOAD_TTL * 1000,
    stagedUploadQuota: env.STAGED_UPLOAD_QUOTA?.trim() ? e.STAGED_UPLOAD_QUOTA : 2 * limits.BUNDLE_MAX_BYTES,
    databaseBusyTimeoutMs: e.DB_BUSY_TIMEOUT_MS,
    databaseBusyRetryMs: e.DB_BUSY_RETRY_MS,
    renderWorkers: e.RENDER_WORKERS,
  };
}

let current: Config | null = null;

/** Reads the process environment (with `overrides` on top, e.g. `-p` for PORT) once; throws ConfigError. */
export function loadConfig(overrides: Env = {}): Config {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  current = parseConfig({ ...process.env, ...defined });
  return current;
}

/** The configuration, loaded on first use (start-up loads it first, so a bad value never waits until here). */
export function config(): Config {
  return current ?? loadConfig();
}

/** For tests that change process.env: read it again. */
export const reloadConfig = () => loadConfig();

/** The server runs Next's production build; React picks its production code from NODE_ENV. */
export function setProductionMode(): void {
  (process.env as Env).NODE_ENV = 'production';
}

// Accessors for the values most modules need.
export const dataDir = (): string => config().dataDir;
export const bundleLimits = (): BundleLimits => ({ ...config().bundleLimits });
export const publicMode = (): boolean => config().publicMode;
export const fullAccessRole = (): string => config().fullAccessRole;
export const appVersionLimit = (): number => config().appVersionLimit;
export const allowedCoreEnvRegexes = (): RegExp[] => config().allowedCoreEnvRegexes;
export const allowedCustomImageRegexes = (): RegExp[] => config().allowedCustomImageRegexes;
export const instanceLimit = (): number => config().instances.limit;
export const visitorInstanceLimit = (): number => config().instances.visitorLimit;
/** Idle time after which an instance is suspended when its app sets no InstanceTimeout (`-1`: never). */
export const defaultInstanceTimeout = (): string => config().instances.defaultTimeout;
export const instanceStartTimeoutMs = (): number => config().instances.startTimeoutMs;
/** The portal's public URL (H2O_CLOUD_ENVIRONMENT for apps), without a trailing slash. */
export const publicUrl = (): string => config().publicUrl;
/** host[:port] under which DOMAIN-routed app hosts live: `<id>.<APPS_DOMAIN>`. */
export const appsDomain = (): string => config().appsDomain;
/** Origin serving BASE_URL instance traffic; the portal's own unless APPS_ORIGIN is set (see the README). */
export const appsOrigin = (): string => config().appsOrigin;
export const trustProxy = (): { enabled: boolean; hops: number } => ({ ...config().trustProxy });
export const signInThrottleLimits = (): Config['signInThrottle'] => ({ ...config().signInThrottle });
export const allowPrivateLinkAddresses = (): boolean => config().allowPrivateLinkAddresses;
export const stagedUploadTtlMs = (): number => config().stagedUploadTtlMs;
export const stagedUploadQuota = (): number => config().stagedUploadQuota;
export const databaseBusyTimeoutMs = (): number => config().databaseBusyTimeoutMs;
export const databaseBusyRetryMs = (): number => config().databaseBusyRetryMs;
