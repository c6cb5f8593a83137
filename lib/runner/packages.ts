// packages.txt on the local runner: it installs no OS packages, it checks that each is installed on the
// host (the sandbox sees the host's /usr read-only) and refuses the start naming the missing ones.
import { execFile } from 'node:child_process';

/** Package names from packages.txt: one per line, `#` comments and blank lines skipped, `=version` dropped. */
export function parsePackagesTxt(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    for (const word of line.split(/\s+/)) names.push(word.split('=')[0]);
  }
  return [...new Set(names)];
}

/** The packages dpkg does not report as installed ("install ok installed"). */
export async function missingPackages(names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const installed = new Set<string>();
  // Unknown packages make dpkg-query exit 1 but it still prints the known ones.
  const output = await new Promise<string>((resolve) => {
    execFile('dpkg-query', ['-W', '-f=${Package}:${Architecture} ${Package} ${db:Status-Abbrev}\n', ...names], (error, stdout) => {
      resolve(error && !stdout ? '' : stdout);
    });
  });
  for (const line of output.split('\n')) {
    const [qualified, bare, status] = line.split(' ');
    if (status?.startsWith('ii')) {
      installed.add(qualified);
      installed.add(bare);
    }
  }
  return names.filter((n) => !installed.has(n));
}
