// Where `appstore login` keeps the portal URL and API token, and how commands pick the portal to talk to.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError, UsageError } from './errors';
import type { Env } from './io';
import { freshSsoToken } from './sso-login';

/** A token from `appstore login --sso`: the provider's access token is `token`; this renews it. */
export interface SsoSession {
  issuer: string;
  clientId: string;
  audience: string;
  /** The `resource` parameter sent with every token request (RFC 8707), or null (the scopes name the API). */
  resource: string | null;
  refreshToken: string | null;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
}

export interface StoredConfig {
  url: string;
  token: string;
  sso?: SsoSession;
}

function ssoOf(value: unknown): SsoSession | undefined {
  const s = value as Partial<SsoSession> | undefined;
  if (!s || typeof s !== 'object') return undefined;
  if (typeof s.issuer !== 'string' || typeof s.clientId !== 'string' || typeof s.audience !== 'string' || typeof s.expiresAt !== 'number') return undefined;
  // Files written before `resource` was stored sent the audience as the resource.
  const resource = typeof s.resource === 'string' || s.resource === null ? s.resource : s.audience;
  return { issuer: s.issuer, clientId: s.clientId, audience: s.audience, resource, expiresAt: s.expiresAt, refreshToken: typeof s.refreshToken === 'string' ? s.refreshToken : null };
}

export function configPath(env: Env): string {
  return env.APPSTORE_CONFIG || path.join(os.homedir(), '.config', 'appstore', 'config.json');
}

export async function readConfig(env: Env): Promise<StoredConfig | null> {
  const file = configPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as Partial<StoredConfig>;
    if (typeof value.url === 'string' && typeof value.token === 'string') {
      const sso = ssoOf(value.sso);
      return sso ? { url: value.url, token: value.token, sso } : { url: value.url, token: value.token };
    }
  } catch {
    // reported below
  }
  throw new CliError(`${file} is not a valid appstore config; run \`appstore login\` again`);
}

/** Writes the token readable by the owner only: the file is created 0600 (in a 0700 directory) and renamed into place. */
export async function writeConfig(env: Env, config: StoredConfig): Promise<string> {
  const file = configPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
  return file;
}

/** The portal's base URL without a trailing slash; only http(s). */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`not an http(s) URL: ${raw}`);
  if (url.search || url.hash) throw new UsageError(`the portal URL takes no query or fragment: ${raw}`);
  return url.href.replace(/\/+$/, '');
}

export interface Target {
  url: string;
  token: string | null;
}

/**
 * Flags win over APPSTORE_URL / APPSTORE_TOKEN, which win over the stored config. The stored token is only
 * sent to the URL it was issued by, so `--url` pointing elsewhere never leaks it.
 */
export async function resolveTarget(flags: { url?: string; token?: string }, env: Env): Promise<Target> {
  const stored = await readConfig(env);
  const rawUrl = flags.url || env.APPSTORE_URL || stored?.url;
  if (!rawUrl) throw new CliError('no portal URL: run `appstore login --url URL` first, or pass --url');
  const url = normalizeUrl(rawUrl);
  let token = flags.token || env.APPSTORE_TOKEN || null;
  // A single sign-on token is renewed at the provider when it has expired.
  if (!token && stored && normalizeUrl(stored.url) === url) token = await freshSsoToken(stored, env);
  return { url, token };
}
