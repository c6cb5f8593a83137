// Uploads staged by the browser before the import form's server action picks them up: one folder per
// user under DATA_DIR/staging, a sidecar with the size and hash, ids checked against the viewer.
import 'server-only';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import { stagingDir } from '@/lib/storage/paths';
import type { StagedFile } from '@/lib/storage/staging';

const UPLOAD_ID = /^[0-9a-f-]{36}$/;

export const userStagingDir = (userId: string) => path.join(stagingDir(), 'users', userId.replace(/[^A-Za-z0-9-]/g, '_'));

/**
 * Records a staged file so that its owner can import it by id; returns the id. The upload's flush to disk
 * (started while it streamed in) is finished first, so the sidecar vouches for it and the import does not
 * fsync the bundle a second time.
 */
export async function registerUpload(userId: string, staged: StagedFile): Promise<string> {
  const id = path.basename(staged.path, '.part');
  await staged.durable;
  const sidecar: Sidecar = { sha256: staged.sha256, size: staged.size, durable: true };
  await fsp.writeFile(path.join(userStagingDir(userId), `${id}.json`), JSON.stringify(sidecar));
  return id;
}

interface Sidecar {
  sha256: string;
  size: number;
  /** The staged file was flushed to disk before the sidecar was written. */
  durable: boolean;
}

/** The staged file of one of the user's own uploads; anything else is "not found". */
export async function claimUpload(userId: string, uploadId: string): Promise<StagedFile> {
  const gone = new AppError('NOT_FOUND', 'The uploaded file is no longer available. Choose the bundle and import again.');
  if (!UPLOAD_ID.test(uploadId)) throw gone;
  const dir = userStagingDir(userId);
  const file = path.join(dir, `${uploadId}.part`);
  const sidecar = path.join(dir, `${uploadId}.json`);
  if (!fs.existsSync(file) || !fs.existsSync(sidecar)) throw gone;
  const { sha256, size, durable } = JSON.parse(await fsp.readFile(sidecar, 'utf8')) as Sidecar;
  await fsp.rm(sidecar, { force: true });
  return { path: file, sha256, size, ...(durable ? { durable: Promise.resolve() } : {}) };
}
