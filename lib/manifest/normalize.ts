// Maps a parsed app.toml onto the attributes the platform knows, the way its Go decoder does:
// keys match case-insensitively, unknown ones are ignored (we warn), and "" means "not set".
import { formatPath, isTable, type TomlTable } from './toml';
import type { Problem } from './types';

export const SECTIONS = {
  App: {
    array: false,
    keys: ['Name', 'Version', 'Title', 'Description', 'LongDescription', 'Tags', 'InstanceLifecycle', 'InstanceTimeout'],
  },
  Runtime: {
    array: false,
    keys: [
      'Module',
      'RuntimeVersion',
      'VolumeMount',
      'VolumeSize',
      'ResourceVolumeSize',
      'MemoryLimit',
      'MemoryReservation',
      'CPULimit',
      'CPUReservation',
      'GPUCount',
      'GPUType',
      'EnableOIDC',
      'EnableSHM',
      'RoutingMode',
      'AppMode',
      'Port',
      'CustomImage',
      'AppArgs',
      'AppEntryPoint',
    ],
  },
  Env: { array: true, keys: ['Name', 'Secret', 'SecretKey', 'Optional', 'Value'] },
  File: { array: true, keys: ['Path', 'Secret', 'SecretKey', 'Optional', 'Value'] },
  Link: { array: false, keys: ['Address'] },
} as const;

type SectionName = keyof typeof SECTIONS;
const SECTION_NAMES = Object.keys(SECTIONS) as SectionName[];

export const ENUMERATIONS = {
  InstanceLifecycle: ['ON_DEMAND', 'MANAGED', 'LINK'],
  RoutingMode: ['DOMAIN', 'BASE_URL'],
  AppMode: ['wave', 'python', 'container'],
} as const;
const ENUMERATED_KEYS: Partial<Record<SectionName, readonly (keyof typeof ENUMERATIONS)[]>> = {
  App: ['InstanceLifecycle'],
  Runtime: ['RoutingMode', 'AppMode'],
};

/** Attributes older App Store versions read; the platform ignores them now. */
const LEGACY_APP_KEYS: Record<string, string> = {
  category:
    'Category is a legacy attribute: on import the portal assigns the category tag whose name or title matches it, if one exists. Use Tags to put the app in a category.',
  keywords: 'Keywords is a legacy attribute the platform ignores; use Tags instead.',
};

/** app.toml with canonical keys; values are still unchecked. App and Runtime are always present. */
export interface NormalizedDoc {
  App: unknown;
  Runtime: unknown;
  Env?: unknown;
  File?: unknown;
  Link?: unknown;
}

export interface Normalized {
  doc: NormalizedDoc;
  errors: Problem[];
  warnings: Problem[];
  /** The legacy App.Category as written (trimmed), for the import to match against category tags; null when absent or not a string. */
  legacyCategory: string | null;
}

export function normalizeManifest(root: TomlTable): Normalized {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const doc: Record<string, unknown> = {};
  const seen = new Map<SectionName, string>();

  for (const key of Object.keys(root)) {
    const section = matchKey(key, SECTION_NAMES);
    const value = root[key];
    if (!section) {
      warnings.push({ path: formatPath([key]), message: unknownTopLevel(key, value) });
      continue;
    }
    const earlier = seen.get(section);
    if (earlier !== undefined) {
      errors.push({ path: section, message: `[${section}] is written twice, as "${earlier}" and "${key}"; keep one.` });
      continue;
    }
    seen.set(section, key);
    if (key !== section) warnings.push({ path: section, message: caseMessage(key, section) });

    const spec = SECTIONS[section];
    if (spec.array && Array.isArray(value)) {
      doc[section] = value.map((item, i) =>
        isTable(item) ? normalizeTable(item, section, [section, i], errors, warnings) : item,
      );
    } else if (!spec.array && isTable(value)) {
      doc[section] = normalizeTable(value, section, [section], errors, warnings);
    } else {
      doc[section] = value; // the schema reports the wrong shape
    }
  }
  doc.App ??= {};
  doc.Runtime ??= {};
  return { doc: doc as unknown as NormalizedDoc, errors, warnings, legacyCategory: legacyCategoryOf(root) };
}

/** `Category = "Data Science"` in [App], however its keys are cased. */
function legacyCategoryOf(root: TomlTable): string | null {
  const appKey = Object.keys(root).find((k) => k.toLowerCase() === 'app');
  const app = appKey === undefined ? undefined : root[appKey];
  if (!isTable(app)) return null;
  const key = Object.keys(app).find((k) => k.toLowerCase() === 'category');
  const value = key === undefined ? undefined : app[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function normalizeTable(
  table: TomlTable,
  section: SectionName,
  path: PropertyKey[],
  errors: Problem[],
  warnings: Problem[],
): TomlTable {
  const known = SECTIONS[section].keys as readonly string[];
  const out: TomlTable = {};
  const seen = new Map<string, string>();
  for (const key of Object.keys(table)) {
    let value = table[key];
    const canonical = matchKey(key, known);
    if (!canonical) {
      warnings.push({ path: formatPath([...path, key]), message: unknownKey(key, section) });
      continue;
    }
    const attrPath = formatPath([...path, canonical]);
    const earlier = seen.get(canonical);
    if (earlier !== undefined) {
      errors.push({ path: attrPath, message: `${canonical} is set twice, as "${earlier}" and "${key}"; keep one.` });
      continue;
    }
    seen.set(canonical, key);
    if (key !== canonical) warnings.push({ path: attrPath, message: caseMessage(key, canonical) });

    // The platform's decoder cannot tell "" from a missing value, so neither can we (a literal Value may be empty).
    if (value === '' && canonical !== 'Value') continue;

    const enumKey = ENUMERATED_KEYS[section]?.find((k) => k === canonical);
    if (enumKey && typeof value === 'string') {
      value = normalizeEnumeration(enumKey, value, attrPath, warnings);
      if (value === '') continue;
    }
    if (section === 'App' && canonical === 'Tags' && Array.isArray(value)) {
      value = value.map((tag, i) => normalizeTag(tag, formatPath([...path, canonical, i]), warnings));
    }
    out[canonical] = value;
  }
  return out;
}

function normalizeEnumeration(key: keyof typeof ENUMERATIONS, value: string, path: string, warnings: Problem[]): string {
  const trimmed = value.trim();
  if (trimmed !== value) {
    warnings.push({ path, message: `${key} "${value}" has surrounding spaces; read as "${trimmed}".` });
  }
  const allowed = ENUMERATIONS[key] as readonly string[];
  const match = allowed.find((a) => a.toLowerCase() === trimmed.toLowerCase());
  if (match && match !== trimmed) {
    warnings.push({ path, message: `${key} "${trimmed}" is read as "${match}"; write it that way.` });
    return match;
  }
  return trimmed;
}

function normalizeTag(tag: unknown, path: string, warnings: Problem[]): unknown {
  if (typeof tag !== 'string') return tag;
  const trimmed = tag.trim();
  if (trimmed === '') warnings.push({ path, message: 'An empty tag is ignored.' });
  else if (trimmed !== tag) warnings.push({ path, message: `Tag "${tag}" has surrounding spaces; read as "${trimmed}".` });
  return trimmed;
}

function matchKey<T extends string>(key: string, known: readonly T[]): T | undefined {
  const lower = key.toLowerCase();
  return known.find((k) => k.toLowerCase() === lower);
}

function caseMessage(written: string, canonical: string): string {
  return `"${written}" is read as "${canonical}" (keys match regardless of case); write "${canonical}".`;
}

function unknownTopLevel(key: string, value: unknown): string {
  if (isTable(value) || (Array.isArray(value) && value.length > 0 && value.every(isTable))) {
    const guess = closest(key, SECTION_NAMES);
    const hint = guess ? ` Did you mean [${guess}]?` : ' (The app may read it itself.)';
    return `Section [${key}] is not an app.toml section; the platform ignores it.${hint}`;
  }
  const home = SECTION_NAMES.find((s) => matchKey(key, SECTIONS[s].keys));
  if (home) {
    return `"${key}" is outside any section and is ignored; it belongs in [${home}], below the [${home}] header.`;
  }
  return `"${key}" is outside any section and is ignored by the platform.`;
}

function unknownKey(key: string, section: SectionName): string {
  const where = SECTIONS[section].array ? `[[${section}]]` : `[${section}]`;
  if (section === 'App' && LEGACY_APP_KEYS[key.toLowerCase()]) return LEGACY_APP_KEYS[key.toLowerCase()];
  const home = SECTION_NAMES.find((s) => s !== section && matchKey(key, SECTIONS[s].keys));
  if (home && !SECTIONS[home].array) {
    return `${key} belongs in [${home}]; in ${where} the platform ignores it.`;
  }
  const guess = closest(key, SECTIONS[section].keys);
  const hint = guess ? ` Did you mean ${guess}?` : '';
  return `${key} is not an attribute of ${where}; the platform ignores it.${hint}`;
}

/** A known name that `key` is probably a misspelling of (`Memory_Limit`, `MemoryLimt`). */
function closest(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const k = squash(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(k, squash(candidate));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const tolerance = k.length >= 8 ? 2 : 1;
  return bestDistance <= tolerance ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
