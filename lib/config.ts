// Portal configuration read from environment variables, with the defaults listed in the README.
// Read lazily (functions, not constants) so tests and the CLI can set the environment first.
import path from 'node:path';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function listFromEnv(name: string, fallback: string[]): string[] {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

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

export function bundleLimits(): BundleLimits {
  const out = {} as BundleLimits;
  for (const key of Object.keys(DEFAULT_BUNDLE_LIMITS) as (keyof BundleLimits)[]) {
    out[key] = intFromEnv(key, DEFAULT_BUNDLE_LIMITS[key]);
  }
  return out;
}

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

export function allowedCoreEnvRegexes(): RegExp[] {
  return listFromEnv('ALLOWED_CORE_ENV_REGEXES', DEFAULT_ALLOWED_CORE_ENV_REGEXES).map((s) => new RegExp(s));
}

/** Container images admins may import (`Runtime.CustomImage`); empty by default, so none pass. */
export function allowedCustomImageRegexes(): RegExp[] {
  return listFromEnv('ALLOWED_CUSTOM_IMAGE_REGEXES', []).map((s) => new RegExp(s));
}

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || './data');
}

/** Imported versions a non-admin may hold; 0 means no limit. */
export function appVersionLimit(): number {
  return intFromEnv('APP_VERSION_LIMIT', 10);
}

export function publicMode(): boolean {
  return /^(1|true|yes|on)$/i.test(process.env.PUBLIC_MODE ?? '');
}

/** Role that grants full access; empty means every signed-in user has full access. */
export function fullAccessRole(): string {
  return (process.env.FULL_ACCESS_ROLE ?? '').trim();
}

function boolFromEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Whose address a request comes from. Off (default): the TCP peer. On: the portal runs behind `hops`
 * reverse proxies, each appending to X-Forwarded-For; the client is the rightmost address they did not add.
 */
export function trustProxy(): { enabled: boolean; hops: number } {
  const hops = intFromEnv('TRUST_PROXY_HOPS', 1);
  if (hops < 1) throw new Error('TRUST_PROXY_HOPS must be at least 1.');
  return { enabled: boolFromEnv('TRUST_PROXY', false), hops };
}

/** Failed sign-ins allowed before each further attempt must wait, per scope (README: Sign-in throttle). */
export function signInThrottleLimits(): { accountAddress: number; address: number; account: number } {
  return {
    accountAddress: intFromEnv('SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS', 5),
    address: intFromEnv('SIGNIN_FAILURES_PER_ADDRESS', 30),
    account: intFromEnv('SIGNIN_FAILURES_PER_ACCOUNT', 200),
  };
}

/** Whether a LINK app's address may point to loopback, link-local or private addresses (off by default). */
export function allowPrivateLinkAddresses(): boolean {
  return boolFromEnv('ALLOW_PRIVATE_LINK_ADDRESSES', false);
}

/** Shortest AUTH_SECRET accepted: 32 bytes, the key size of the HMAC/encryption it feeds. */
export const AUTH_SECRET_MIN_BYTES = 32;

/** AUTH_SECRET when set (at least 32 bytes, else the start fails naming the problem), or null. */
export function authSecretFromEnv(): string | null {
  const value = process.env.AUTH_SECRET?.trim();
  if (!value) return null;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < AUTH_SECRET_MIN_BYTES) {
    throw new Error(
      `AUTH_SECRET is ${bytes} bytes long; it must be at least ${AUTH_SECRET_MIN_BYTES} (generate one with \`openssl rand -base64 32\`), or unset it to have one generated into DATA_DIR.`,
    );
  }
  return value;
}

/** How long a staged upload waits for its import before the periodic sweep removes it (STAGED_UPLOAD_TTL, seconds). */
export function stagedUploadTtlMs(): number {
  const seconds = intFromEnv('STAGED_UPLOAD_TTL', 3600);
  if (seconds < 1) throw new Error('STAGED_UPLOAD_TTL must be at least 1 (seconds).');
  return seconds * 1000;
}

/** Bytes one user may have staged at once, in flight or waiting (STAGED_UPLOAD_QUOTA; default twice BUNDLE_MAX_BYTES). */
export function stagedUploadQuota(): number {
  return intFromEnv('STAGED_UPLOAD_QUOTA', 2 * bundleLimits().BUNDLE_MAX_BYTES);
}

/** How long a write waits for a lock another process holds before answering 503 (DB_BUSY_TIMEOUT_MS). */
export function databaseBusyTimeoutMs(): number {
  return intFromEnv('DB_BUSY_TIMEOUT_MS', 100);
}
