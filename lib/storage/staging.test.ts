import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { stageStream } from './staging';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'staging-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function* chunks(total: number, size = 64 * 1024) {
  for (let sent = 0; sent < total; sent += size) yield Buffer.alloc(Math.min(size, total - sent), sent % 251);
}

describe('stageStream', () => {
  it('writes the stream to a file, with its size and SHA-256', async () => {
    const dir = tempDir();
    const data = Buffer.concat([...chunks(300_000)]);
    const staged = await stageStream(Readable.from(chunks(300_000)), 1_000_000, dir);
    expect(staged.size).toBe(300_000);
    expect(staged.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(fs.readFileSync(staged.path).equals(data)).toBe(true);
  });

  it('stops past the limit with TOO_LARGE and leaves no partial file', async () => {
    const dir = tempDir();
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (const c of chunks(50_000_000)) {
          produced += c.length;
          yield c;
        }
      })(),
    );
    const error = await stageStream(source, 1_000_000, dir).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('TOO_LARGE');
    expect(fs.readdirSync(dir)).toEqual([]);
    // It stopped reading soon after the limit instead of consuming the whole upload.
    expect(produced).toBeLessThan(3_000_000);
  });

  it('refuses an empty upload', async () => {
    const dir = tempDir();
    await expect(stageStream(Readable.from([]), 1000, dir)).rejects.toMatchObject({ code: 'INVALID_BUNDLE' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
