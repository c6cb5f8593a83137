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

/**
 * A list of regular expressions, one per line (commas belong to the regex: `^x{2,3}$`). Blank lines are
 * skipped; a line that does not compile is an error naming the variable, the line and the regex.
 */
function regexesFromEnv(name: string, fallback: string[]): RegExp[] {
  const raw = process.env[name];
  const lines = raw === undefined ? fallback : raw.split(/\r?\n/);
  const out: RegExp[] = [];
  lines.forEach((line, i) => {
    const source = line.trim();
    if (source === '') return;
    try {
      out.push(new RegExp(source));
    } catch (error) {
      throw new Error(`${name} line ${i + 1}: ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message}).`);
    }
  });
  return out;
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
  return regexesFromEnv('ALLOWED_CORE_ENV_REGEXES', DEFAULT_ALLOWED_CORE_ENV_REGEXES);
}

/** Container images admins may import (`Runtime.CustomImage`); empty by default, so none pass. */
export function allowedCustomImageRegexes(): RegExp[] {
  return regexesFromEnv('ALLOWED_CUSTOM_IMAGE_REGEXES', []);
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

/**
 * Reads every setting once, so that a bad value (a regex that does not compile, a limit that is not a
 * number) stops the server at start-up with a message naming it, instead of failing the first import.
 */
export function checkConfiguration(): void {
  bundleLimits();
  appVersionLimit();
  allowedCoreEnvRegexes();
  allowedCustomImageRegexes();
}
