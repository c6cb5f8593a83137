// validateManifest: app.toml bytes in, a Manifest (or every problem with it) out.
import type { ValueDeclaration } from '@/db/schema';
import { allowedCoreEnvRegexes, allowPrivateLinkAddresses } from '@/lib/config';
import { manifestDraft } from './draft';
import { normalizeLinkAddress } from './link-address';
import { normalizeManifest } from './normalize';
import { crossFieldProblems } from './rules';
import { manifestSchema, type ManifestDocument } from './schema';
import { decodeSource, formatPath, parseToml } from './toml';
import type { Manifest, Problem, ValidateOptions, ValidationResult } from './types';

export function validateManifest(source: string | Uint8Array, options: ValidateOptions = {}): ValidationResult {
  const decoded = decodeSource(source);
  if (!decoded.ok) return { manifest: null, draft: null, errors: [decoded.problem], warnings: [] };
  const parsed = parseToml(decoded.text);
  if (!parsed.ok) return { manifest: null, draft: null, errors: parsed.problems, warnings: [] };

  const { doc, errors, warnings, legacyCategory } = normalizeManifest(parsed.root);
  const schema = manifestSchema({
    allowedCoreEnvRegexes: options.allowedCoreEnvRegexes ?? allowedCoreEnvRegexes(),
    allowPrivateLinkAddresses: options.allowPrivateLinkAddresses ?? allowPrivateLinkAddresses(),
  });
  const result = schema.safeParse(doc);
  if (!result.success) {
    for (const issue of result.error.issues) errors.push({ path: formatPath(issue.path), message: issue.message });
  }
  const cross = crossFieldProblems(doc);
  errors.push(...cross.errors);
  warnings.push(...cross.warnings);

  const draft = manifestDraft(doc);
  if (errors.length > 0 || !result.success) {
    return { manifest: null, draft, errors: inDocumentOrder(errors), warnings: inDocumentOrder(warnings) };
  }
  return { manifest: { ...toManifest(result.data), legacyCategory }, draft, errors: [], warnings: inDocumentOrder(warnings) };
}

const SECTION_ORDER = ['app.toml', 'App', 'Runtime', 'Env', 'File', 'Link'];

/** Problems grouped by section, then by [[Env]]/[[File]] entry; otherwise in the order they were found. */
function inDocumentOrder(problems: Problem[]): Problem[] {
  const rank = (p: Problem): [number, number] => {
    const m = /^([^.[]+)(?:\[(\d+)\])?/.exec(p.path);
    const section = SECTION_ORDER.indexOf(m?.[1] ?? '');
    return [section === -1 ? SECTION_ORDER.length : section, m?.[2] === undefined ? -1 : Number(m[2])];
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map(({ p }) => p);
}

function toManifest(doc: ManifestDocument): Omit<Manifest, 'legacyCategory'> {
  const { App: app, Runtime: runtime } = doc;
  const instanceLifecycle = app.InstanceLifecycle ?? 'ON_DEMAND';
  const appMode = runtime.AppMode ?? 'wave';
  return {
    name: app.Name,
    version: app.Version,
    title: app.Title ?? app.Name,
    description: app.Description ?? '',
    longDescriptionPath: app.LongDescription ?? null,
    tags: [...new Set((app.Tags ?? []).filter((t) => t !== ''))],
    instanceLifecycle,
    instanceTimeout: app.InstanceTimeout ?? null,
    runtime: {
      module: runtime.Module ?? null,
      runtimeVersion: runtime.RuntimeVersion ?? null,
      volumeMount: runtime.VolumeMount ?? null,
      volumeSize: runtime.VolumeSize ?? null,
      resourceVolumeSize: runtime.ResourceVolumeSize ?? null,
      memoryLimit: runtime.MemoryLimit ?? null,
      memoryReservation: runtime.MemoryReservation ?? null,
      cpuLimit: runtime.CPULimit ?? null,
      cpuReservation: runtime.CPUReservation ?? null,
      gpuCount: runtime.GPUCount ?? 0,
      gpuType: runtime.GPUType ?? null,
      enableOIDC: runtime.EnableOIDC ?? false,
      enableSHM: runtime.EnableSHM ?? false,
      routingMode: runtime.RoutingMode ?? 'DOMAIN',
      appMode,
      port: runtime.Port ?? null,
      customImage: runtime.CustomImage ?? null,
      appArgs: runtime.AppArgs ?? [],
      appEntryPoint: runtime.AppEntryPoint ?? [],
    },
    env: (doc.Env ?? []).map((e) => declaration({ name: e.Name, ...e })),
    files: (doc.File ?? []).map((f) => declaration({ path: f.Path, ...f })),
    linkAddress: doc.Link?.Address ? normalizeLinkAddress(doc.Link.Address) : null,
    kind: instanceLifecycle === 'LINK' ? 'link' : appMode,
  };
}

/** Only the attributes that were set, so stored JSON has no `undefined` holes. */
function declaration(d: {
  name?: string;
  path?: string;
  Value?: string;
  Secret?: string;
  SecretKey?: string;
  Optional?: boolean;
}): ValueDeclaration {
  const out: ValueDeclaration = { optional: d.Optional ?? false };
  if (d.name !== undefined) out.name = d.name;
  if (d.path !== undefined) out.path = d.path;
  if (d.Value !== undefined) out.value = d.Value;
  if (d.Secret !== undefined) out.secret = d.Secret;
  if (d.SecretKey !== undefined) out.secretKey = d.SecretKey;
  return out;
}
