// A full disk while an upload is being staged: the kernel's own ENOSPC (writes go to /dev/full, which
// refuses every write with it) travels through receiveBundle and the API handler to a 507 STORAGE_FULL,
// leaves no partial file behind, and gives the bytes back to the user's STAGED_UPLOAD_QUOTA, for the
// upload route and for the import route (raw body and multipart).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userStagingDir } from '@/lib/apps/uploads';
import { issueToken } from '@/lib/auth/tokens';
import { stagedBytes } from '@/lib/storage/staged-bytes';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';

vi.mock('next/headers', () => ({ headers: async () => new Headers() })); // no session cookie: Bearer tokens
const uploads = await import('./route');
const apps = await import('../apps/route');

useTempDataDir();

const MiB = 1024 * 1024;
const realOpen = fsp.open;

/** From now on, every staging file is created as usual but written to /dev/full: each write fails with ENOSPC. */
function fillTheDisk() {
  vi.spyOn(fsp, 'open').mockImplementation(async (file, flags, mode) => {
    if (!String(file).endsWith('.part')) return realOpen(file, flags, mode);
    await (await realOpen(file, flags, mode)).close();
    return realOpen('/dev/full', 'w');
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  setEnv({ STAGED_UPLOAD_QUOTA: undefined });
});

/** Bytes that start like a zip (the first check an upload passes) and go on for 2 MiB. */
const zipLike = () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(2 * MiB)]);

function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]) : [];
}

const requests: [string, (token: string, body: Buffer) => Promise<Response>][] = [
  [
    'POST /api/v1/uploads',
    (token, body) =>
      uploads.POST(new Request('http://portal.test/api/v1/uploads', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) })),
  ],
  [
    'POST /api/v1/apps (raw body)',
    (token, body) =>
      apps.POST(new Request('http://portal.test/api/v1/apps', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) })),
  ],
  [
    'POST /api/v1/apps (multipart)',
    (token, body) => {
      const form = new FormData();
      form.append('visibility', 'PRIVATE');
      form.append('bundle', new Blob([new Uint8Array(body)]), 'app.wave');
      return apps.POST(new Request('http://portal.test/api/v1/apps', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }));
    },
  ],
];

describe('a full disk while staging an upload', () => {
  for (const [name, send] of requests) {
    it(`${name}: answers 507 STORAGE_FULL, leaves no partial file, and releases the quota`, async () => {
      // Room for one upload at a time: bytes kept after a failure would refuse the next one with 429.
      setEnv({ STAGED_UPLOAD_QUOTA: String(3 * MiB) });
      const user = insertUser();
      const { token } = issueToken(user.id, 'disk-full');
      const dir = userStagingDir(user.id);
      fillTheDisk();
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await send(token, zipLike());
        expect(res.status).toBe(507);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STORAGE_FULL');
        expect(filesIn(dir)).toEqual([]);
        expect(stagedBytes(dir)).toBe(0);
      }
      // The disk has room again: the same user's next upload is staged (not refused for the quota).
      vi.restoreAllMocks();
      const res = await uploads.POST(
        new Request('http://portal.test/api/v1/uploads', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(zipLike()) }),
      );
      expect(res.status).toBe(201);
      expect(stagedBytes(dir)).toBeGreaterThan(2 * MiB);
    });
  }
});
