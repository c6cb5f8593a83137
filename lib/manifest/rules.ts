// Rules that involve more than one attribute (LINK apps, Value vs Secret, File directories, limits vs
// reservations). They run on the normalised document even when single attributes failed, so one upload
// shows every problem; values of the wrong type are simply skipped here (the schema reports those).
import { fileDirectory, filePathProblem, labelProblem, NAME_MAX_LENGTH, NAME_PATTERN } from './fields';
import type { NormalizedDoc } from './normalize';
import { parseQuantity } from './quantity';
import { isTable, type TomlTable } from './toml';
import type { Problem } from './types';

const table = (v: unknown): TomlTable => (isTable(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function crossFieldProblems(doc: NormalizedDoc): { errors: Problem[]; warnings: Problem[] } {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const app = table(doc.App);
  const runtime = table(doc.Runtime);
  const isLink = text(app.InstanceLifecycle) === 'LINK';
  const appMode = text(runtime.AppMode) ?? 'wave';

  checkNameVersion(app, errors);

  if (!isLink && appMode !== 'container' && runtime.Module === undefined) {
    errors.push({
      path: 'Runtime.Module',
      message:
        'Module is required: the Python module that starts the app (python3 -m <Module>), such as "src.app". Only LINK apps and container apps go without one.',
    });
  }

  const module = text(runtime.Module);
  if (module !== undefined && /^[\w.]+\.py$/.test(module)) {
    warnings.push({
      path: 'Runtime.Module',
      message: `Module "${module}" looks like a file name, but the app is started as python3 -m ${module}; did you mean "${module.slice(0, -3)}"?`,
    });
  }

  if (isLink) checkLinkApp(doc, runtime, errors, warnings);
  else checkNotLink(doc, warnings, errors);
  if (!isLink) checkAppMode(runtime, appMode, warnings);

  checkValueSources('Env', list(doc.Env), errors);
  checkValueSources('File', list(doc.File), errors);
  checkDuplicateEnvNames(list(doc.Env), warnings);
  checkFileDirectories(list(doc.File), errors);
  checkResources(runtime, warnings);

  const description = text(app.Description);
  if (description !== undefined && /[\r\n]/.test(description.trim())) {
    warnings.push({
      path: 'App.Description',
      message: 'Description is shown as a single line; put longer text in the LongDescription file.',
    });
  }
  return { errors, warnings };
}

function checkNameVersion(app: TomlTable, errors: Problem[]): void {
  const name = text(app.Name);
  const version = text(app.Version);
  // Only when each part is fine on its own: otherwise the schema has already said what to fix.
  if (name === undefined || version === undefined || labelProblem('Name', name) || labelProblem('Version', version)) return;
  const combined = `${name}-${version}`;
  if (combined.length > NAME_MAX_LENGTH || !NAME_PATTERN.test(combined)) {
    errors.push({
      path: 'App.Name',
      message: `Name and Version together ("${combined}") are ${combined.length} characters long; the platform allows at most ${NAME_MAX_LENGTH}. Use a shorter Name.`,
    });
  }
}

function checkLinkApp(doc: NormalizedDoc, runtime: TomlTable, errors: Problem[], warnings: Problem[]): void {
  if (doc.Link === undefined || (isTable(doc.Link) && doc.Link.Address === undefined)) {
    errors.push({
      path: 'Link.Address',
      message: 'A LINK app needs Link.Address, the URL it opens: add [Link] with Address = "https://…".',
    });
  }
  const runtimeKeys = Object.keys(runtime);
  if (runtimeKeys.length > 0) {
    errors.push({
      path: 'Runtime',
      message: `A LINK app runs nothing, so [Runtime] must be empty; remove ${runtimeKeys.join(', ')}.`,
    });
  }
  if (list(doc.File).length > 0) {
    errors.push({ path: 'File', message: 'A LINK app runs nothing, so it cannot have [[File]] entries; remove them.' });
  }
  if (list(doc.Env).length > 0) {
    warnings.push({ path: 'Env', message: 'A LINK app has no instances, so its [[Env]] entries are ignored.' });
  }
}

function checkNotLink(doc: NormalizedDoc, warnings: Problem[], errors: Problem[]): void {
  if (!isTable(doc.Link)) return;
  if (Object.keys(doc.Link).length > 0) {
    errors.push({
      path: 'Link',
      message: '[Link] is only for link apps: set App.InstanceLifecycle = "LINK", or remove [Link].',
    });
  } else {
    warnings.push({ path: 'Link', message: 'The empty [Link] section is ignored; it is only for LINK apps.' });
  }
}

function checkAppMode(runtime: TomlTable, appMode: string, warnings: Problem[]): void {
  if (appMode === 'container' && runtime.Module !== undefined) {
    warnings.push({
      path: 'Runtime.Module',
      message: 'Module is ignored for container apps (AppMode = "container"): the container image starts the app.',
    });
  }
  if (appMode !== 'container') {
    for (const key of ['CustomImage', 'AppArgs', 'AppEntryPoint']) {
      if (runtime[key] !== undefined) {
        warnings.push({
          path: `Runtime.${key}`,
          message: `${key} only applies to container apps (AppMode = "container") and is ignored here.`,
        });
      }
    }
  }
  if (appMode === 'wave' && runtime.Port !== undefined) {
    warnings.push({
      path: 'Runtime.Port',
      message: 'Port only applies when AppMode is "python" or "container"; it is ignored for Wave apps.',
    });
  }
}

function checkValueSources(section: 'Env' | 'File', entries: unknown[], errors: Problem[]): void {
  entries.forEach((entry, i) => {
    if (!isTable(entry)) return;
    const at = `${section}[${i}]`;
    const hasValue = entry.Value !== undefined;
    const hasSecret = entry.Secret !== undefined;
    const hasKey = entry.SecretKey !== undefined;
    // Optional = false is what the platform assumes anyway, so only `true` conflicts with Value.
    const isOptional = entry.Optional === true;
    if (hasValue && (hasSecret || hasKey || isOptional)) {
      const others = [hasSecret && 'Secret', hasKey && 'SecretKey', isOptional && 'Optional'].filter(Boolean);
      errors.push({
        path: `${at}.Value`,
        message: `Value cannot be combined with ${others.join(' or ')}: use either a literal Value, or a Secret with a SecretKey.`,
      });
    } else if (hasSecret && !hasKey) {
      errors.push({
        path: `${at}.SecretKey`,
        message: `Secret ${JSON.stringify(entry.Secret)} needs a SecretKey: the key within the secret whose value to use.`,
      });
    } else if (hasKey && !hasSecret) {
      errors.push({
        path: `${at}.Secret`,
        message: `SecretKey ${JSON.stringify(entry.SecretKey)} needs a Secret: the name of the secret that holds this key.`,
      });
    } else if (!hasValue && !hasSecret && !hasKey) {
      errors.push({
        path: at,
        message: `Each [[${section}]] needs either a literal Value, or a Secret with a SecretKey.`,
      });
    }
  });
}

function checkDuplicateEnvNames(entries: unknown[], warnings: Problem[]): void {
  const first = new Map<string, number>();
  entries.forEach((entry, i) => {
    const name = isTable(entry) ? text(entry.Name) : undefined;
    if (name === undefined) return;
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, i);
    else {
      warnings.push({
        path: `Env[${i}].Name`,
        message: `${name} is already declared by Env[${earlier}]; an instance gets only one of the two values.`,
      });
    }
  });
}

function checkFileDirectories(entries: unknown[], errors: Problem[]): void {
  const first = new Map<string, number>();
  entries.forEach((entry, i) => {
    const path = isTable(entry) ? text(entry.Path) : undefined;
    if (path === undefined || filePathProblem(path)) return;
    const dir = fileDirectory(path) as string;
    const earlier = first.get(dir);
    if (earlier === undefined) first.set(dir, i);
    else {
      errors.push({
        path: `File[${i}].Path`,
        message: `Path "${path}" is in directory "${dir}", which File[${earlier}] already uses; each [[File]] needs a directory of its own.`,
      });
    }
  });
}

const SIZE_KEYS = ['VolumeSize', 'ResourceVolumeSize', 'MemoryLimit', 'MemoryReservation'];

function checkResources(runtime: TomlTable, warnings: Problem[]): void {
  const quantity = (key: string) => {
    const s = text(runtime[key]);
    return s === undefined ? null : parseQuantity(s);
  };
  for (const key of SIZE_KEYS) {
    const q = quantity(key);
    if (q && q.suffix === 'm') {
      const s = runtime[key] as string;
      warnings.push({
        path: `Runtime.${key}`,
        message: `${key} "${s}" means ${q.value} bytes ("m" is milli); did you mean "${s.slice(0, -1)}Mi"?`,
      });
    }
  }
  for (const [reservation, limit] of [
    ['MemoryReservation', 'MemoryLimit'],
    ['CPUReservation', 'CPULimit'],
  ]) {
    const r = quantity(reservation);
    const l = quantity(limit);
    if (r && l && r.value >= 0 && l.value >= 0 && r.value > l.value) {
      warnings.push({
        path: `Runtime.${reservation}`,
        message: `${reservation} (${runtime[reservation]}) is more than ${limit} (${runtime[limit]}); the reservation should not exceed the limit.`,
      });
    }
  }
}
