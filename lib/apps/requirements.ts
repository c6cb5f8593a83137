// What an app version needs from its surroundings to run, for its owner and administrators on its page:
// the secrets (and keys) it reads, its [[Env]] names and [[File]] paths, a volume and OIDC. Whether each
// secret is there is judged as its instances will read it: as the owner's apps (lib/secrets/import-check).
import 'server-only';
import type { App, ValueDeclaration } from '@/db/schema';
import { canEditApp, type Viewer } from '@/lib/auth/policy';
import { usableSecretKeys } from '@/lib/secrets/import-check';

export interface SecretNeed {
  name: string;
  /** Keys the app names, sorted. */
  keys: string[];
  /** Where app.toml names it: `Env[0]`, `File[1]`. */
  entries: string[];
  /** Every entry naming it is Optional = true. */
  optional: boolean;
  /** `missing`: the owner's apps cannot use a secret of that name; else the keys it lacks (empty: all there). */
  status: { missing: true } | { missing: false; lacking: string[] };
}

export interface ValueNeed {
  /** The variable name or the file path. */
  target: string;
  source: { kind: 'secret'; secret: string; key: string | null } | { kind: 'value' } | { kind: 'none' };
  optional: boolean;
}

export interface AppRequirements {
  secrets: SecretNeed[];
  env: ValueNeed[];
  files: ValueNeed[];
  volume: { mount: string; size: string | null } | null;
  oidc: boolean;
}

function valueNeed(d: ValueDeclaration, target: string): ValueNeed {
  const source: ValueNeed['source'] =
    d.secret !== undefined ? { kind: 'secret', secret: d.secret, key: d.secretKey ?? null } : d.value !== undefined ? { kind: 'value' } : { kind: 'none' };
  return { target, source, optional: d.optional };
}

/** Null for viewers who may not see it (anyone but the owner and administrators). */
export function appRequirements(
  viewer: Viewer | null,
  app: Pick<App, 'ownerId' | 'env' | 'files'> & { runtime: App['runtime'] | null },
): AppRequirements | null {
  if (!canEditApp(viewer, app)) return null;
  const bySecret = new Map<string, { keys: Set<string>; entries: string[]; optional: boolean }>();
  const collect = (section: 'Env' | 'File', list: ValueDeclaration[]) =>
    list.forEach((d, i) => {
      if (d.secret === undefined) return;
      const need = bySecret.get(d.secret) ?? { keys: new Set<string>(), entries: [], optional: true };
      if (d.secretKey !== undefined) need.keys.add(d.secretKey);
      need.entries.push(`${section}[${i}]`);
      need.optional &&= d.optional;
      bySecret.set(d.secret, need);
    });
  collect('Env', app.env);
  collect('File', app.files);
  const secrets: SecretNeed[] = [...bySecret].map(([name, need]) => {
    const keys = [...need.keys].sort();
    const held = usableSecretKeys({ id: app.ownerId }, name);
    return {
      name,
      keys,
      entries: need.entries,
      optional: need.optional,
      status: held ? { missing: false, lacking: keys.filter((k) => !held.has(k)) } : { missing: true },
    };
  });
  const runtime = app.runtime;
  return {
    secrets,
    env: app.env.map((d) => valueNeed(d, d.name ?? '')),
    files: app.files.map((d) => valueNeed(d, d.path ?? '')),
    volume: runtime?.volumeMount ? { mount: runtime.volumeMount, size: runtime.volumeSize } : null,
    oidc: runtime?.enableOIDC ?? false,
  };
}
