// Semantic-version ordering as a plain string, so SQLite can sort and take the newest version of a
// Name with an index (`apps.version_key`, written by the importer) instead of parsing in JS.
import semver from 'semver';

/** Width of MAJOR, MINOR and PATCH once zero-padded; semver itself refuses parts past 16 digits. */
const CORE_WIDTH = 16;
/**
 * Separators below every character a pre-release identifier may hold ([0-9A-Za-z-]), so that a
 * shorter identifier list sorts before a longer one that starts the same ("alpha" < "alpha.1").
 */
const IDENTIFIER_SEPARATOR = '!';
const BUILD_SEPARATOR = ' ';
/** Above every pre-release character: a release sorts after all of its pre-releases. */
const RELEASE_MARK = '~';
const PRERELEASE_MARK = '-';

function prereleaseIdentifier(id: string | number): string {
  const s = String(id);
  // Numeric identifiers sort numerically and before alphanumeric ones (semver §11.4.3); the
  // two-digit length prefix orders numbers of any size without a fixed width.
  if (/^\d+$/.test(s)) return `0${String(s.length).padStart(2, '0')}${s}`;
  return `1${s}`;
}

/**
 * A key whose byte-wise order is semver precedence: `versionKey(a) < versionKey(b)` exactly when
 * `semver.lt(a, b)`. Build metadata does not change precedence; it is only appended as a tie-break.
 * Throws for a string that is not a semantic version (the importer validates versions first).
 */
export function versionKey(version: string): string {
  const parsed = semver.parse(version);
  if (!parsed) throw new Error(`Not a semantic version: ${JSON.stringify(version)}`);
  const core = [parsed.major, parsed.minor, parsed.patch].map((n) => String(n).padStart(CORE_WIDTH, '0')).join('.');
  const pre =
    parsed.prerelease.length === 0
      ? RELEASE_MARK
      : PRERELEASE_MARK + parsed.prerelease.map(prereleaseIdentifier).join(IDENTIFIER_SEPARATOR);
  const build = parsed.build.length > 0 ? BUILD_SEPARATOR + parsed.build.join('.') : '';
  return core + pre + build;
}

/** Sort comparator, newest first, for lists already in memory. */
export function compareVersionsDesc(a: string, b: string): number {
  const ka = versionKey(a);
  const kb = versionKey(b);
  return ka < kb ? 1 : ka > kb ? -1 : 0;
}
