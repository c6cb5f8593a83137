// The shapes validateManifest returns; the rest of the portal codes against these.
import type { RuntimeSettings, ValueDeclaration } from '@/db/schema';
import type { Problem } from '@/lib/errors';
import type { ManifestDraft } from './draft';

/** One finding about app.toml: `path` names the attribute (`App.Name`, `Env[1].Name`) or `app.toml` for the file as a whole. */
export type { Problem };

export type InstanceLifecycle = 'ON_DEMAND' | 'MANAGED' | 'LINK';
export type AppMode = RuntimeSettings['appMode'];
export type RoutingMode = RuntimeSettings['routingMode'];

/** A valid app.toml, with defaults applied. */
export interface Manifest {
  name: string;
  version: string;
  /** Title, or Name when the manifest has no Title. */
  title: string;
  description: string;
  /** LongDescription normalised to a path relative to the archive root (no `./`), or null. */
  longDescriptionPath: string | null;
  tags: string[];
  instanceLifecycle: InstanceLifecycle;
  instanceTimeout: string | null;
  runtime: RuntimeSettings;
  env: ValueDeclaration[];
  files: ValueDeclaration[];
  linkAddress: string | null;
  /** `link` for LINK apps, otherwise Runtime.AppMode. */
  kind: 'wave' | 'python' | 'container' | 'link';
  /** The legacy App.Category (`"Data Science"`), which the import matches against category tags; null when not set. */
  legacyCategory: string | null;
}

export interface ValidateOptions {
  /** H2O_WAVE_* names an [[Env]] may still declare; defaults to allowedCoreEnvRegexes() from lib/config.ts. */
  allowedCoreEnvRegexes?: RegExp[];
  /** Link.Address may name loopback, link-local and private addresses; defaults to ALLOW_PRIVATE_LINK_ADDRESSES. */
  allowPrivateLinkAddresses?: boolean;
}

export interface ValidationResult {
  /** Null whenever `errors` is not empty. */
  manifest: Manifest | null;
  /** Once app.toml parses: what later checks can use even when the manifest has errors; otherwise null. */
  draft: ManifestDraft | null;
  errors: Problem[];
  warnings: Problem[];
}
