// `appstore admin backup` follows the archive as it arrives and prints files and bytes done against the totals.
import { pack as tarPack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { backupProgress } from './admin';

async function tarOf(entries: [string, Buffer][]): Promise<Buffer> {
  const tar = tarPack();
  for (const [name, content] of entries) tar.entry({ name }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('backup progress', () => {
  it('prints files and MiB done against the announced totals, every 5 % and at the end', async () => {
    const mib = 1024 * 1024;
    const files: [string, Buffer][] = [
      ['appstore.db', Buffer.alloc(mib)],
      ['bundles/aa/' + 'a'.repeat(64), Buffer.alloc(8 * mib)],
      ['assets/bb/' + 'b'.repeat(64), Buffer.alloc(mib)],
    ];
    const archive = await tarOf([...files, ['manifest.json', Buffer.from('{}')]]);
    const lines: string[] = [];
    const progress = await backupProgress(new Headers({ 'x-backup-files': '3', 'x-backup-bytes': String(10 * mib) }), (l) => lines.push(l));
    for (let at = 0; at < archive.length; at += 64 * 1024) await new Promise<void>((resolve) => progress.write(archive.subarray(at, at + 64 * 1024), resolve));
    await progress.finish();
    expect(lines[0]).toBe('Backing up 3 files, 10 MiB, and a manifest of their checksums.');
    expect(lines.at(-1)).toBe('3/3 files, 10 of 10 MiB (100 %)');
    expect(lines).toContainEqual(expect.stringMatching(/^1\/3 files, 5(\.\d)? of 10 MiB \(50 %\)$/)); // the big bundle half-way
    const percents = lines.slice(1).map((l) => Number(/\((\d+) %\)/.exec(l)![1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents.map((p) => Math.floor(p / 5))).size).toBe(percents.length - 1); // one line per 5 % step (and the last again)
  });

  it('counts without totals from an older portal', async () => {
    const archive = await tarOf([['manifest.json', Buffer.from('{}')], ['appstore.db', Buffer.alloc(2 * 1024 * 1024)]]);
    const lines: string[] = [];
    const progress = await backupProgress(new Headers(), (l) => lines.push(l));
    await new Promise<void>((resolve) => progress.write(archive, resolve));
    await progress.finish();
    expect(lines.at(-1)).toBe('1 files, 2 MiB');
  });
});
