// `appstore bundle`: builds the .wave bundle of an app folder, checked with the same rules as the portal.
import { randomBytes } from 'node:crypto';
import { readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inspectBundle } from '../bundle/inspect';
import { validateManifest } from '../manifest';
import { listBundleFiles, readAppIgnore } from './bundle-files';
import { CliError, UsageError, parsingArguments } from './errors';
import { type CliIo, printProblems } from './io';
import { writeZip } from './zip-writer';

export async function bundleCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsingArguments(() =>
    parseArgs({ args, options: { output: { type: 'string', short: 'o' } }, allowPositionals: true, strict: true }),
  );
  if (positionals.length > 1) throw new UsageError('give one DIR only');
  const dir = await appFolder(path.resolve(io.cwd, positionals[0] ?? '.'));

  const checked = validateManifest(await readAppToml(dir));
  if (!checked.manifest) {
    io.stderr.write(`appstore bundle: ${path.join(dir, 'app.toml')} is not valid:\n`);
    printProblems(io.stderr, checked.errors, '  error: ');
    printProblems(io.stderr, checked.warnings, '  warning: ');
    return 1;
  }
  const { name, version } = checked.manifest;
  const output = path.resolve(io.cwd, values.output ?? defaultFileName(name, version));
  const outputDir = await realpath(path.dirname(output)).catch(() => {
    throw new CliError(`cannot write ${output}: its folder does not exist`);
  });
  const realOutput = path.join(outputDir, path.basename(output));
  if (await stat(realOutput).then((s) => s.isDirectory(), () => false)) throw new CliError(`${output} is a folder; give a file name`);

  const listing = await listBundleFiles(dir, await readAppIgnore(dir), new Set([realOutput]));
  if (!listing.files.some((f) => f.name === 'app.toml')) {
    throw new CliError('.appignore leaves out app.toml, which every bundle needs');
  }
  for (const s of listing.skipped) io.stderr.write(`appstore bundle: skipping ${s.path}: ${s.reason}\n`);

  // Written beside the target and renamed into place only once it passes, so a failure leaves no bundle behind.
  const temp = path.join(outputDir, `.${path.basename(output)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await writeZip(listing.files, temp);
    const inspected = await inspectBundle(temp);
    if (!inspected.ok) {
      io.stderr.write(`appstore bundle: the bundle would be refused:\n`);
      printProblems(io.stderr, inspected.errors, '  error: ');
      printProblems(io.stderr, inspected.warnings, '  warning: ');
      return 1;
    }
    printProblems(io.stderr, inspected.warnings, 'warning: ');
    await rename(temp, realOutput);
  } finally {
    await rm(temp, { force: true });
  }
  const { size } = await stat(realOutput);
  io.stdout.write(`${path.relative(io.cwd, output) || output}: ${listing.files.length} files, ${formatSize(size)}\n`);
  return 0;
}

async function appFolder(dir: string): Promise<string> {
  try {
    const real = await realpath(dir);
    if ((await stat(real)).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new CliError(`${dir} is not a folder`);
}

async function readAppToml(dir: string): Promise<Buffer> {
  try {
    return await readFile(path.join(dir, 'app.toml'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${dir} has no app.toml`);
    throw new CliError(`cannot read ${path.join(dir, 'app.toml')}: ${(err as Error).message}`);
  }
}

/** `<Name>.<Version>.wave`, as the platform names bundles; Name and Version are already known to be safe. */
export function defaultFileName(name: string, version: string): string {
  const fileName = `${name}.${version}.wave`;
  if (/[\\/]/.test(fileName) || fileName.startsWith('.')) throw new CliError(`cannot name the bundle ${fileName}; use -o FILE`);
  return fileName;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
