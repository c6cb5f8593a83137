// Builds what the runner's tests run: bundles (zip archives) and tiny Python wheels, written by hand
// (METADATA, WHEEL, RECORD) so the tests need no build tools and no network.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import JSZip from 'jszip';

export interface ZipFile {
  content: string | Buffer;
  executable?: boolean;
}

export async function zipBytes(files: Record<string, string | Buffer | ZipFile>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, f] of Object.entries(files)) {
    const file: ZipFile = typeof f === 'string' || Buffer.isBuffer(f) ? { content: f } : f;
    zip.file(name, file.content, { unixPermissions: file.executable ? 0o100755 : 0o100644 });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' });
}

export async function writeBundle(file: string, files: Record<string, string | Buffer | ZipFile>): Promise<string> {
  writeFileSync(file, await zipBytes(files));
  return file;
}

export interface WheelSpec {
  /** Distribution name as in requirements.txt (`greeting-lib`). */
  name: string;
  version: string;
  /** Paths inside the wheel (`greeting_lib/__init__.py`, `<dist>.data/data/waved`). */
  files: Record<string, string | ZipFile>;
  /** console_scripts entry points: script name → `module:function`. */
  consoleScripts?: Record<string, string>;
}

/** `<dist>-<version>-py3-none-any.whl` and its bytes. */
export async function buildWheel(spec: WheelSpec): Promise<{ filename: string; bytes: Buffer }> {
  const dist = spec.name.replace(/[-.]+/g, '_');
  const distInfo = `${dist}-${spec.version}.dist-info`;
  const files: Record<string, string | ZipFile> = { ...spec.files };
  files[`${distInfo}/METADATA`] = `Metadata-Version: 2.1\nName: ${spec.name}\nVersion: ${spec.version}\n`;
  files[`${distInfo}/WHEEL`] = 'Wheel-Version: 1.0\nGenerator: appstore-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n';
  if (spec.consoleScripts) {
    files[`${distInfo}/entry_points.txt`] = `[console_scripts]\n${Object.entries(spec.consoleScripts)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n')}\n`;
  }
  const record = Object.entries(files).map(([p, f]) => {
    const content = Buffer.from(typeof f === 'string' ? f : f.content);
    const digest = createHash('sha256').update(content).digest('base64url');
    return `${p},sha256=${digest},${content.length}`;
  });
  files[`${distInfo}/RECORD`] = `${record.join('\n')}\n${distInfo}/RECORD,,\n`;
  return { filename: `${dist}-${spec.version}-py3-none-any.whl`, bytes: await zipBytes(files) };
}
