// Where files live under DATA_DIR: bundles and assets content-addressed by SHA-256, uploads staged apart.
import path from 'node:path';
import { dataDir } from '@/lib/config';

const SHA256 = /^[0-9a-f]{64}$/;

function shardedPath(kind: 'bundles' | 'assets', sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`Not a SHA-256 digest: ${sha256}`);
  return path.join(dataDir(), kind, sha256.slice(0, 2), sha256);
}

export const bundlePath = (sha256: string) => shardedPath('bundles', sha256);
export const assetPath = (sha256: string) => shardedPath('assets', sha256);
export const stagingDir = () => path.join(dataDir(), 'staging');
export const tmpDir = () => path.join(dataDir(), 'tmp');
