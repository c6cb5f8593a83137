// Builds .wave bundles inside tests and imports them through the API.
import { expect, type APIRequestContext } from '@playwright/test';
import JSZip from 'jszip';

/** A valid 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface BundleSpec {
  name: string;
  version?: string;
  title?: string;
  description?: string;
  /** Markdown; written to about.md and named by LongDescription. */
  longDescription?: string;
  tags?: string[];
  icon?: boolean;
  screenshots?: number;
  /** Makes a LINK app pointing here. */
  link?: string;
  /** Extra [[Env]] entries, e.g. { Name: 'TOKEN', Secret: 'mine', SecretKey: 'token' }. */
  env?: Record<string, string | boolean>[];
  runtimeVersion?: string;
  /** Raw app.toml instead of the generated one. */
  appToml?: string;
  /** Extra files by path. */
  files?: Record<string, string | Buffer>;
}

const toml = (v: string | boolean | string[]) =>
  Array.isArray(v) ? `[${v.map((s) => JSON.stringify(s)).join(', ')}]` : typeof v === 'boolean' ? String(v) : JSON.stringify(v);

export function appToml(spec: BundleSpec): string {
  const lines = ['[App]', `Name = ${toml(spec.name)}`, `Version = ${toml(spec.version ?? '0.0.1')}`];
  if (spec.title) lines.push(`Title = ${toml(spec.title)}`);
  if (spec.description) lines.push(`Description = ${toml(spec.description)}`);
  if (spec.longDescription !== undefined) lines.push('LongDescription = "about.md"');
  if (spec.tags) lines.push(`Tags = ${toml(spec.tags)}`);
  if (spec.link) {
    lines.push('InstanceLifecycle = "LINK"', '', '[Link]', `Address = ${toml(spec.link)}`);
  } else {
    lines.push('', '[Runtime]', 'Module = "app.main"');
    if (spec.runtimeVersion) lines.push(`RuntimeVersion = ${toml(spec.runtimeVersion)}`);
  }
  for (const env of spec.env ?? []) {
    lines.push('', '[[Env]]', ...Object.entries(env).map(([k, v]) => `${k} = ${toml(v)}`));
  }
  return lines.join('\n') + '\n';
}

export async function makeBundle(spec: BundleSpec): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('app.toml', spec.appToml ?? appToml(spec));
  if (spec.longDescription !== undefined) zip.file('about.md', spec.longDescription);
  if (spec.icon !== false) zip.file('static/icon.png', PNG);
  for (let i = 1; i <= (spec.screenshots ?? 0); i++) zip.file(`static/screenshot${i}.png`, PNG);
  if (!spec.link) {
    zip.file('app/__init__.py', '');
    zip.file('app/main.py', 'from h2o_wave import main, app, Q\n');
    zip.file('requirements.txt', 'h2o-wave\n');
  }
  for (const [path, content] of Object.entries(spec.files ?? {})) zip.file(path, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export async function importBundle(
  request: APIRequestContext,
  headers: Record<string, string>,
  bundle: Buffer,
  visibility: 'PRIVATE' | 'ALL_USERS' | 'PUBLIC' = 'PRIVATE',
) {
  return request.post(`/api/v1/apps?visibility=${visibility}`, {
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    data: bundle,
  });
}

/** Imports and expects 201; returns the app JSON. */
export async function importApp(
  request: APIRequestContext,
  headers: Record<string, string>,
  spec: BundleSpec,
  visibility: 'PRIVATE' | 'ALL_USERS' | 'PUBLIC' = 'PRIVATE',
) {
  const res = await importBundle(request, headers, await makeBundle(spec), visibility);
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}
