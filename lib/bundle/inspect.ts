// Reads an uploaded bundle the way an import needs it: the root app.toml validated, the LongDescription read,
// icon and screenshots judged by their bytes, dependency lists read. A bad bundle never throws: every problem
// comes back as a Problem (errors refuse the import, warnings are shown to the developer).
import path from 'node:path';
import { bundleLimits, type BundleLimits } from '@/lib/config';
import { validateManifest, type Manifest, type ManifestDraft, type Problem } from '@/lib/manifest';
import { BundleError, formatBytes, quoteEntry as q } from './errors';
import { SNIFF_BYTES, sniffImage, type ImageType } from './sniff';
import { openBundle, type BundleEntry, type BundleReader } from './zip-reader';

export interface InspectOptions {
  /** Overrides of the configured bundle limits (bundleLimits()). */
  limits?: Partial<BundleLimits>;
  /** Passed to validateManifest. */
  allowedCoreEnvRegexes?: RegExp[];
  /** Read the accepted icon and screenshots whole and hand their bytes over (the import stores them). */
  keepImages?: boolean;
}

/** An accepted icon or screenshot, read once during inspection. */
export interface BundleImage {
  kind: 'icon' | 'screenshot';
  /** 0 for the icon; the screenshot's place in natural order. */
  position: number;
  path: string;
  contentType: ImageType;
  bytes: Buffer;
}

export type InspectedManifest = Manifest & {
  /** Path of the icon inside the bundle (a real PNG or JPEG), or null. */
  icon: string | null;
  /** Paths of the screenshots inside the bundle, in natural order (screenshot2 before screenshot10). */
  screenshots: string[];
};

export interface InspectResult {
  ok: boolean;
  /** Null whenever `errors` is not empty. */
  manifest: InspectedManifest | null;
  /** Once app.toml parses, what the server's checks (runtime, secrets, ownership) can use even when it has errors. */
  draft: ManifestDraft | null;
  errors: Problem[];
  warnings: Problem[];
  /** The LongDescription Markdown, when the manifest names one and it could be read. */
  longDescription: string | null;
  /** Every regular file in the bundle. */
  files: string[];
  /** packages.txt lines, without comments and blank lines. */
  packages: string[];
  /** requirements.txt lines, without comments and blank lines. */
  requirements: string[];
  /** With `keepImages` and a valid bundle: the icon, then the screenshots; otherwise empty. */
  images: BundleImage[];
}

const APP_TOML = 'app.toml';
const ICON_TYPES: readonly ImageType[] = ['image/png', 'image/jpeg'];
const SCREENSHOT_TYPES: readonly ImageType[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
/** Files that only a running Python app uses; LINK and container bundles should leave them out. */
const CODE_FILE = /\.(py|pyc|pyw|ipynb|whl)$/i;
const CODE_LISTS = new Set(['requirements.txt', 'packages.txt']);
const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

interface Context {
  reader: BundleReader;
  limits: BundleLimits;
  errors: Problem[];
  warnings: Problem[];
  /** Set when images are kept: the bytes of each accepted image by path. */
  imageBytes: Map<string, Buffer> | null;
}

export async function inspectBundle(filePath: string, options: InspectOptions = {}): Promise<InspectResult> {
  const limits = { ...bundleLimits(), ...options.limits };
  let reader: BundleReader;
  try {
    reader = await openBundle(filePath, limits);
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    return {
      ok: false,
      manifest: null,
      draft: null,
      errors: [bundleProblem(error)],
      warnings: [],
      longDescription: null,
      files: [],
      packages: [],
      requirements: [],
      images: [],
    };
  }
  try {
    const result = await inspect({ reader, limits, errors: [], warnings: [], imageBytes: options.keepImages ? new Map() : null }, options);
    // Every compressed entry of an otherwise acceptable bundle is inflated once (and dropped) so that
    // no header can hide a bomb; a bundle refused already need not be inflated at all.
    if (!result.ok) return result;
    const lie = await reader.verifyContents().then(
      () => null,
      (error: unknown) => {
        if (error instanceof BundleError) return bundleProblem(error);
        throw error;
      },
    );
    return lie ? { ...result, ok: false, manifest: null, errors: [...result.errors, lie], images: [] } : result;
  } finally {
    await reader.close();
  }
}

async function inspect(ctx: Context, options: InspectOptions): Promise<InspectResult> {
  const { manifest, draft } = await readManifest(ctx, options);
  // Every check runs even when app.toml has errors, so that one answer lists every problem.
  const longDescriptionPath = manifest?.longDescriptionPath ?? draft?.longDescriptionPath ?? null;
  const longDescription = longDescriptionPath ? await readLongDescription(ctx, longDescriptionPath) : null;
  const icon = await findIcon(ctx);
  const screenshots = await findScreenshots(ctx);
  const packages = checkPackages(ctx, await readList(ctx, 'packages.txt'));
  const requirements = await readList(ctx, 'requirements.txt');
  checkWheels(ctx, requirements);
  if (manifest && (manifest.kind === 'link' || manifest.kind === 'container')) flagUnusedCode(ctx, manifest.kind);

  const ok = manifest !== null && ctx.errors.length === 0;
  return {
    ok,
    manifest: ok ? { ...manifest, icon, screenshots } : null,
    draft,
    errors: ctx.errors,
    warnings: ctx.warnings,
    longDescription,
    files: ctx.reader.files.map((f) => f.path),
    packages,
    requirements,
    images: ok && ctx.imageBytes ? keptImages(ctx.imageBytes, icon, screenshots) : [],
  };
}

function keptImages(bytesOf: Map<string, Buffer>, icon: string | null, screenshots: string[]): BundleImage[] {
  const image = (kind: BundleImage['kind'], position: number, path: string): BundleImage => {
    const bytes = bytesOf.get(path)!;
    return { kind, position, path, bytes, contentType: sniffImage(bytes)! };
  };
  return [...(icon ? [image('icon', 0, icon)] : []), ...screenshots.map((path, i) => image('screenshot', i, path))];
}

function bundleProblem(error: BundleError): Problem {
  return { path: error.entry ?? 'bundle', message: error.message };
}

/** Runs a read; a BundleError (too large, damaged) becomes an error and the result undefined. */
async function attempt<T>(ctx: Context, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    ctx.errors.push(bundleProblem(error));
    return undefined;
  }
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

async function readManifest(ctx: Context, options: InspectOptions): Promise<{ manifest: Manifest | null; draft: ManifestDraft | null }> {
  const entry = ctx.reader.get(APP_TOML);
  if (!entry || entry.isDirectory) {
    ctx.errors.push({ path: APP_TOML, message: missingManifestMessage(ctx.reader, entry) });
    return { manifest: null, draft: null };
  }
  const bytes = await attempt(ctx, () => ctx.reader.readFile(APP_TOML, ctx.limits.APP_TOML_MAX_BYTES));
  if (!bytes) return { manifest: null, draft: null };
  const result = validateManifest(bytes, { allowedCoreEnvRegexes: options.allowedCoreEnvRegexes });
  ctx.errors.push(...result.errors);
  ctx.warnings.push(...result.warnings);
  return { manifest: result.manifest, draft: result.draft };
}

function missingManifestMessage(reader: BundleReader, entry: BundleEntry | undefined): string {
  if (entry?.isDirectory) return 'app.toml at the root of the bundle is a directory; it must be the app.toml file.';
  const lookalikes = reader.files.filter((f) => path.posix.basename(f.path).toLowerCase() === APP_TOML);
  const rootVariant = lookalikes.find((f) => !f.path.includes('/'));
  if (rootVariant) return `The bundle has ${q(rootVariant.path)}, but the file must be named app.toml, in lowercase.`;
  if (lookalikes.length > 0) {
    return `The bundle has no app.toml at its root, only ${q(lookalikes[0].path)}: bundle the contents of the app's folder, not the folder itself.`;
  }
  return 'The bundle has no app.toml at its root; every bundle needs one.';
}

async function readLongDescription(ctx: Context, file: string): Promise<string | null> {
  const entry = ctx.reader.get(file);
  if (!entry || entry.isDirectory) {
    const other = ctx.reader.files.find((f) => f.path.toLowerCase() === file.toLowerCase());
    const hint = other ? ` (there is ${q(other.path)}; names are case-sensitive)` : '';
    const what = entry?.isDirectory ? 'is a directory, not a file' : 'is not in the bundle';
    ctx.errors.push({ path: 'App.LongDescription', message: `LongDescription ${q(file)} ${what}${hint}.` });
    return null;
  }
  const bytes = await attempt(ctx, () => ctx.reader.readFile(file, ctx.limits.LONG_DESCRIPTION_MAX_BYTES));
  if (!bytes) return null;
  const text = decodeUtf8(bytes);
  if (text === null) {
    ctx.errors.push({ path: 'App.LongDescription', message: `LongDescription ${q(file)} is not valid UTF-8 text; save it as UTF-8.` });
  }
  return text;
}

/** Files directly in static/ whose name starts with `prefix`, in natural order; near misses get a warning. */
function staticFiles(ctx: Context, prefix: string): BundleEntry[] {
  const inStatic = ctx.reader.files.filter((f) => path.posix.dirname(f.path) === 'static');
  for (const f of inStatic) {
    const name = path.posix.basename(f.path);
    if (!name.startsWith(prefix) && name.toLowerCase().startsWith(prefix)) {
      ctx.warnings.push({ path: f.path, message: `${q(f.path)} is not used: names are case-sensitive, so rename it to start with "${prefix}".` });
    }
  }
  return inStatic.filter((f) => path.posix.basename(f.path).startsWith(prefix)).sort((a, b) => naturalOrder(a.path, b.path));
}

const TYPE_NAMES: Record<ImageType, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP', 'image/gif': 'GIF' };

/** The image's real type if it is one of `allowed` and within the size limit; otherwise a warning and null. */
async function imageType(ctx: Context, entry: BundleEntry, allowed: readonly ImageType[], role: string): Promise<ImageType | null> {
  const accepted = allowed.map((t) => TYPE_NAMES[t]).join(', ').replace(/, ([^,]*)$/, ' or $1');
  if (entry.size > ctx.limits.IMAGE_MAX_BYTES) {
    ctx.warnings.push({
      path: entry.path,
      message: `${q(entry.path)} is ${formatBytes(entry.size)}; images may be at most ${formatBytes(ctx.limits.IMAGE_MAX_BYTES)}, so it is not used as ${role}.`,
    });
    return null;
  }
  // When the import keeps images, the whole file is read now (and checked), not again later.
  const head = ctx.imageBytes
    ? await attempt(ctx, () => ctx.reader.readFile(entry.path, ctx.limits.IMAGE_MAX_BYTES))
    : await attempt(ctx, () => ctx.reader.readHead(entry.path, SNIFF_BYTES));
  if (!head) return null;
  const type = sniffImage(head);
  if (!type || !allowed.includes(type)) {
    const actual = type ? `it is a ${TYPE_NAMES[type]} image` : 'its bytes are not an image format we recognise';
    ctx.warnings.push({ path: entry.path, message: `${q(entry.path)} is not a ${accepted} image (${actual}), so it is not used as ${role}.` });
    return null;
  }
  ctx.imageBytes?.set(entry.path, head);
  return type;
}

/**
 * A missing or unusable icon is a warning, not an error: the app still works and the catalog shows a
 * placeholder, whereas refusing would block apps the platform accepts (it only looks for the file).
 */
async function findIcon(ctx: Context): Promise<string | null> {
  const candidates = staticFiles(ctx, 'icon');
  let icon: string | null = null;
  for (const entry of candidates) {
    if (icon !== null) {
      ctx.warnings.push({ path: entry.path, message: `${q(entry.path)} is not used: the icon is ${q(icon)}.` });
    } else if (await imageType(ctx, entry, ICON_TYPES, 'the icon')) {
      icon = entry.path;
    }
  }
  if (candidates.length === 0) {
    ctx.warnings.push({ path: 'bundle', message: 'The bundle has no icon; add static/icon.png (PNG or JPEG). The catalog shows a placeholder until then.' });
  }
  return icon;
}

async function findScreenshots(ctx: Context): Promise<string[]> {
  const screenshots: string[] = [];
  for (const entry of staticFiles(ctx, 'screenshot')) {
    if (await imageType(ctx, entry, SCREENSHOT_TYPES, 'a screenshot')) screenshots.push(entry.path);
  }
  return screenshots;
}

/** Lines of requirements.txt / packages.txt without blank lines and comments (`#` at the start or after a space, as pip reads them, so `…#egg=x` survives). */
async function readList(ctx: Context, file: string): Promise<string[]> {
  const entry = ctx.reader.get(file);
  if (!entry || entry.isDirectory) return [];
  const bytes = await attempt(ctx, () => ctx.reader.readFile(file, ctx.limits.DEPENDENCY_LIST_MAX_BYTES));
  if (!bytes) return [];
  const text = decodeUtf8(bytes);
  if (text === null) {
    ctx.errors.push({ path: file, message: `${file} is not valid UTF-8 text; save it as UTF-8.` });
    return [];
  }
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

/**
 * packages.txt names OS packages for the runtime's package manager (apt-get), one per line. Anything but
 * a Debian package name, with an optional `:arch` and `=version`, is refused: a line is handed to the
 * package manager as it is, and must not carry options or shell syntax.
 */
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?(?:=[A-Za-z0-9.+:~_-]+)?$/;

function checkPackages(ctx: Context, packages: string[]): string[] {
  packages.forEach((line, i) => {
    if (!DEBIAN_PACKAGE.test(line)) {
      ctx.errors.push({
        path: `packages.txt[${i}]`,
        message: `${q(line)} is not a package name (lowercase letters, digits, + - ., optionally :arch and =version), one per line.`,
      });
    }
  });
  return packages;
}

/** requirements.txt may install wheels shipped in the bundle; one that is missing fails every instance start. */
function checkWheels(ctx: Context, requirements: string[]): void {
  for (const line of requirements) {
    if (!/^[^\s;]+\.whl$/i.test(line) || line.includes('://') || line.startsWith('-')) continue;
    const wheel = path.posix.normalize(line);
    if (!ctx.reader.get(wheel)) {
      ctx.warnings.push({ path: 'requirements.txt', message: `requirements.txt installs ${q(line)}, which is not in the bundle.` });
    }
  }
}

/** The guide: LINK and container bundles hold app.toml and static/, but no source code or requirements.txt. */
function flagUnusedCode(ctx: Context, kind: 'link' | 'container'): void {
  const unused = ctx.reader.files.map((f) => f.path).filter((p) => CODE_FILE.test(p) || CODE_LISTS.has(p));
  if (unused.length === 0) return;
  const shown = unused.slice(0, 5).map(q).join(', ');
  const more = unused.length > 5 ? ` and ${unused.length - 5} more` : '';
  const app = kind === 'link' ? 'A LINK app runs no code' : 'A container app runs its image, not the bundle';
  ctx.warnings.push({
    path: 'bundle',
    message: `${app}, so these files are never used: ${shown}${more}. Leave them out of the bundle (list them in .appignore).`,
  });
}
