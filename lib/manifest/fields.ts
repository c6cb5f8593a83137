// Rules for one attribute value at a time; each returns why the value is refused, or null.
import path from 'node:path';
import semver from 'semver';

export const NAME_MAX_LENGTH = 63;
/** App.Name, App.Version and Name-Version must all match this (a Kubernetes label value). */
export const NAME_PATTERN = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const PLACEHOLDER = /\{\{.*\}\}|<[^>]*>|\$\{[^}]*\}/;

/** App.Name / App.Version as a label: length, allowed characters, alphanumeric ends. */
export function labelProblem(label: string, s: string): string | null {
  if (PLACEHOLDER.test(s)) {
    return `${label} "${s}" contains a template placeholder that was never filled in; replace it with the real value.`;
  }
  if (s.length > NAME_MAX_LENGTH) {
    return `${label} "${s}" is ${s.length} characters long; at most ${NAME_MAX_LENGTH} are allowed.`;
  }
  if (!NAME_PATTERN.test(s)) {
    const bad = [...s].find((c) => !/[-A-Za-z0-9_.]/.test(c));
    if (bad !== undefined) {
      return `${label} "${s}" contains ${JSON.stringify(bad)}; only letters, digits, "-", "_" and "." are allowed.`;
    }
    return `${label} "${s}" must start and end with a letter or a digit.`;
  }
  return null;
}

export function versionProblem(s: string): string | null {
  const asLabel = labelProblem('Version', s);
  if (asLabel) {
    if (s.includes('+') && semver.valid(s)) {
      return `Version "${s}" has build metadata ("+…"), which the platform does not allow; use a pre-release such as "${s.replace('+', '-')}" instead.`;
    }
    return asLabel;
  }
  const parsed = semver.parse(s);
  // semver.parse also takes "v1.2.3" and "=1.2.3" and trims spaces; the platform wants the bare version.
  if (!parsed || parsed.version !== s) {
    if (/^[vV=]/.test(s) && semver.valid(s.slice(1)) === s.slice(1)) {
      return `Version "${s}" must not have a "${s[0]}" prefix; write "${s.slice(1)}".`;
    }
    const parts = s.split('.');
    if (parts.length < 3 && parts.every((p) => /^\d+$/.test(p))) {
      const padded = [...parts, '0', '0'].slice(0, 3).join('.');
      return `Version "${s}" is not a semantic version: it needs MAJOR.MINOR.PATCH, e.g. "${padded}".`;
    }
    return `Version "${s}" is not a semantic version (MAJOR.MINOR.PATCH, e.g. "1.0.0" or "1.0.0-beta.1").`;
  }
  return null;
}

/** A duration in s/m/h such as `1h`, `90m`, `1h30m`, `1.5h`, or `-1` for never. */
export function durationProblem(s: string): string | null {
  if (s === '-1' || /^(\d+(\.\d+)?[hms])+$/.test(s)) return null;
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|[hms]))+$/.test(s)) {
    return `InstanceTimeout "${s}" uses a unit finer than a second; use s, m or h (e.g. "30m").`;
  }
  if (/^\d+$/.test(s)) return `InstanceTimeout "${s}" needs a unit: s, m or h (e.g. "${s}s").`;
  return `InstanceTimeout "${s}" is not a duration: use a number with s, m or h (e.g. "1h", "90m", "1h30m"), or "-1" for no timeout.`;
}

const PYTHON_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function moduleProblem(s: string): string | null {
  if (PYTHON_MODULE.test(s)) return null;
  if (/\.py$/.test(s) || s.includes('/')) {
    const suggestion = s.replace(/\.py$/, '').replace(/^\.\//, '').replaceAll('/', '.');
    return `Module "${s}" looks like a file path; give the Python module instead (started as python3 -m <Module>), e.g. "${suggestion}".`;
  }
  return `Module "${s}" is not a Python module name (dot-separated identifiers such as "src.app").`;
}

export function absolutePathProblem(label: string, s: string): string | null {
  if (!s.startsWith('/')) return `${label} "${s}" must be an absolute path, such as "/data".`;
  if (s.includes('\\')) return `${label} "${s}" must use "/" as the separator.`;
  if (s.split('/').includes('..')) return `${label} "${s}" must not contain "..".`;
  return null;
}

/** LongDescription as a path inside the archive: `./docs/a.md` → `docs/a.md`; null when it cannot be one. */
export function normalizeArchivePath(s: string): string | null {
  if (s.startsWith('/') || s.includes('\\') || /^[A-Za-z]:/.test(s)) return null;
  const parts = s.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..') || s.endsWith('/')) return null;
  return parts.join('/');
}

export function longDescriptionProblem(s: string): string | null {
  if (normalizeArchivePath(s) !== null) return null;
  if (s.includes('\\')) return `LongDescription "${s}" must use "/" as the separator (e.g. "docs/about.md").`;
  if (s.startsWith('/') || /^[A-Za-z]:/.test(s)) {
    return `LongDescription "${s}" must be a path relative to the root of the bundle, such as "about.md".`;
  }
  if (s.split('/').includes('..')) return `LongDescription "${s}" must not point outside the bundle ("..").`;
  return `LongDescription "${s}" must name a Markdown file in the bundle, such as "about.md".`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV_PREFIXES = ['H2O_CLOUD', 'H2O_WAVE'];
/** Reserved-prefixed names that any app may still set. */
const ALWAYS_ALLOWED_ENV = new Set(['H2O_WAVE_APP_MODE']);

export function envNameProblem(s: string, allowedCoreEnvRegexes: readonly RegExp[]): string | null {
  if (!ENV_NAME.test(s)) {
    return `"${s}" is not a valid environment variable name: use letters, digits and "_", not starting with a digit.`;
  }
  const prefix = RESERVED_ENV_PREFIXES.find((p) => s.startsWith(p));
  if (prefix && !ALWAYS_ALLOWED_ENV.has(s) && !allowedCoreEnvRegexes.some((re) => matches(re, s))) {
    return `${s} is reserved: names starting with ${prefix} are set by the platform (allowed: H2O_WAVE_APP_MODE and the names this server's administrator allows).`;
  }
  return null;
}

/** RegExp#test on a /g or /y regex is stateful; never let lastIndex leak between names. */
function matches(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  const result = re.test(s);
  re.lastIndex = 0;
  return result;
}

/** The directory a [[File]] is mounted into, or null when the path cannot name a file. */
export function fileDirectory(p: string): string | null {
  if (p.endsWith('/') || p.includes('\\')) return null;
  const normalized = path.posix.normalize(p);
  if (normalized.split('/').includes('..')) return null;
  return path.posix.dirname(normalized);
}

export function filePathProblem(p: string): string | null {
  if (p.includes('\\')) return `Path "${p}" must use "/" as the separator.`;
  if (p.endsWith('/')) return `Path "${p}" names a directory; it must name a file, such as "config/settings.json".`;
  const dir = fileDirectory(p);
  if (dir === null) return `Path "${p}" must not contain "..".`;
  if (dir === '/' || dir === '.') {
    return `Path "${p}" must be inside a subdirectory (the file is mounted over its whole directory), e.g. "config/${path.posix.basename(p)}".`;
  }
  if (dir === '/resources' || dir.startsWith('/resources/')) {
    return `Path "${p}" is in /resources, which the platform reserves.`;
  }
  return null;
}

