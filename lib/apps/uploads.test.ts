import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stageStream } from '@/lib/storage/staging';
import { useTempDataDir } from '@/lib/testing/db';
import { claimUpload, registerUpload, userStagingDir } from './uploads';

useTempDataDir();

describe('staged uploads', () => {
  it("carry the upload's completed flush to the import, so the bundle is fsynced once", async () => {
    fs.mkdirSync(userStagingDir('u1'), { recursive: true });
    let flushed = false;
    const staged = await stageStream(Readable.from([Buffer.from('PK bundle bytes')]), 1024, userStagingDir('u1'));
    const durable = staged.durable!.then(() => {
      flushed = true;
    });
    const id = await registerUpload('u1', { ...staged, durable });
    expect(flushed).toBe(true); // registered only once on disk
    const claimed = await claimUpload('u1', id);
    expect(claimed).toMatchObject({ path: staged.path, sha256: staged.sha256, size: staged.size });
    expect(claimed.durable).toBeInstanceOf(Promise);
    await expect(claimUpload('u1', id)).rejects.toMatchObject({ code: 'NOT_FOUND' }); // claimed once
    expect(fs.existsSync(path.join(userStagingDir('u1'), `${id}.json`))).toBe(false);
    await expect(claimUpload('u2', id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
