// Lists the files of an app folder that belong in its bundle, in a stable order, without leaving the folder.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type AppIgnore, parseAppIgnore } from './appignore';

export interface BundleFile {
  /** Path inside the bundle, with forward slashes. */
  name: string;
  /** Absolute path on disk. */
  source: string;
}

export interface FileListing {
  files: BundleFile[];
  /** Things left out that the developer may not expect, e.g. symbolic links. */
  skipped: { path: string; reason: string }[];
}

export async function readAppIgnore(dir: string): Promise<AppIgnore> {
  try {
    return parseAppIgnore(await readFile(path.join(dir, '.appignore'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return parseAppIgnore('');
    throw err;
  }
}

/**
 * Walks `dir` depth first, names sorted by code unit so the same folder always gives the same bundle.
 * Symbolic links are skipped, never followed: one could point outside the folder, and the portal refuses
 * bundles holding them anyway. `exclude` holds absolute paths to leave out (the bundle being written).
 */
export async function listBundleFiles(dir: string, rules: AppIgnore, exclude: ReadonlySet<string>): Promise<FileListing> {
  const listing: FileListing = { files: [], skipped: [] };
  await walk(dir, '', rules, exclude, listing);
  return listing;
}

async function walk(dir: string, prefix: string, rules: AppIgnore, exclude: ReadonlySet<string>, out: FileListing) {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    const source = path.join(dir, name);
    if (exclude.has(source)) continue;
    if (entry.isSymbolicLink()) {
      // A link to a folder is matched by folder rules too: `venv/` also silences a `venv` link.
      if (!rules.ignores(name, false) && !rules.ignores(name, true)) out.skipped.push({ path: name, reason: 'symbolic link' });
    } else if (entry.isDirectory()) {
      if (!rules.ignores(name, true)) await walk(dir, name, rules, exclude, out);
    } else if (entry.isFile()) {
      if (!rules.ignores(name, false)) out.files.push({ name, source });
    } else if (!rules.ignores(name, false)) {
      out.skipped.push({ path: name, reason: 'not a regular file' });
    }
  }
}
