// What later checks need from an app.toml that has errors of its own: the attributes that are usable as
// written (a LongDescription path, a RuntimeVersion, secret references), so one answer reports every problem.
import type { ValueDeclaration } from '@/db/schema';
import { normalizeArchivePath } from './fields';
import type { NormalizedDoc } from './normalize';

/** The usable parts of an app.toml, valid or not; an attribute of the wrong type is left out. */
export interface ManifestDraft {
  name: string | null;
  version: string | null;
  longDescriptionPath: string | null;
  runtimeVersion: string | null;
  gpuCount: number;
  kind: 'wave' | 'python' | 'container' | 'link';
  env: ValueDeclaration[];
  files: ValueDeclaration[];
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : {});
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function declarations(list: unknown, key: 'Name' | 'Path'): ValueDeclaration[] {
  if (!Array.isArray(list)) return [];
  return list.map(table).map((e) => {
    const out: ValueDeclaration = { optional: e.Optional === true };
    const id = text(e[key]);
    if (id !== null) out[key === 'Name' ? 'name' : 'path'] = id;
    if (text(e.Value) !== null) out.value = e.Value as string;
    if (text(e.Secret) !== null) out.secret = e.Secret as string;
    if (text(e.SecretKey) !== null) out.secretKey = e.SecretKey as string;
    return out;
  });
}

export function manifestDraft(doc: NormalizedDoc): ManifestDraft {
  const app = table(doc.App);
  const runtime = table(doc.Runtime);
  const mode = runtime.AppMode;
  const kind =
    app.InstanceLifecycle === 'LINK' ? 'link' : mode === 'python' || mode === 'container' ? mode : 'wave';
  const gpu = runtime.GPUCount;
  return {
    name: text(app.Name),
    version: text(app.Version),
    longDescriptionPath: normalizeArchivePath(text(app.LongDescription) ?? ''),
    runtimeVersion: text(runtime.RuntimeVersion),
    gpuCount: typeof gpu === 'number' && Number.isInteger(gpu) && gpu > 0 ? gpu : 0,
    kind,
    env: declarations(doc.Env, 'Name'),
    files: declarations(doc.File, 'Path'),
  };
}
