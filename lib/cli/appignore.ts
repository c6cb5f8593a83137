// Which files of an app folder go into its bundle: the folder's .appignore, read with gitignore rules.
//
// The platform says .appignore is "similar to .gitignore but with a few exceptions" and does not list them,
// so this reads it exactly as git reads a .gitignore at the folder root (the `ignore` package), with one
// addition: a leading `./` anchors a pattern to the root like a leading `/` (real .appignore files write
// `./Dockerfile-bundle`, which git would never match). Consequences of plain gitignore rules worth knowing:
// `*/__pycache__/` matches only one level deep, `.log` matches a file named `.log` (not `*.log`), and `!` cannot
// bring back a file whose folder is excluded (`venv/` + `!venv/keep` keeps nothing; `venv/*` + `!venv/keep` does).
//
// Whatever .appignore says, `.git` (at any depth) and `*.wave` files (earlier bundles) never go in.
import ignore, { type Ignore } from 'ignore';

export interface AppIgnore {
  /** `relativePath` uses forward slashes; `isDirectory` selects rules that end with `/`. */
  ignores(relativePath: string, isDirectory: boolean): boolean;
}

export function parseAppIgnore(source: string): AppIgnore {
  const lines = source.split(/\r?\n/).map((line) => line.replace(/^(!?)\.\/+/, '$1/'));
  const rules: Ignore = ignore().add(lines);
  return {
    ignores(relativePath, isDirectory) {
      const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
      if (name === '.git') return true;
      if (!isDirectory && name.endsWith('.wave')) return true;
      return rules.ignores(isDirectory ? `${relativePath}/` : relativePath);
    },
  };
}
