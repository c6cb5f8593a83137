import { describe, expect, it, vi } from 'vitest';
import { useTempDataDir } from '@/lib/testing/db';

// No session: the caller is anonymous (Auth.js itself needs Next's server runtime).
vi.mock('next/headers', () => ({ headers: async () => new Headers() })); // no session cookie
const { GET } = await import('./route');

useTempDataDir();

describe('GET /api/v1/runtime-versions', () => {
  it("answers anyone, without credentials, with the seeded runtimes in the CLI's shape", async () => {
    const response = await GET(new Request('http://portal.test/api/v1/runtime-versions'), undefined);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body[0]).toEqual({
      name: 'deb11_py310_wlatest',
      status: 'default',
      pythonVersion: '3.10',
      gpu: false,
      note: 'Debian 11, CPU',
    });
    expect(body.map((r: { name: string }) => r.name).sort()).toEqual([
      'deb11_py310_wlatest',
      'deb11_py38_wlatest',
      'deb11_py39_wlatest',
      'ub2004_cuda114_cudnn8_py38_wlatest',
      'ub2204_cuda121_cudnn8_py310_wlatest',
    ]);
    expect(body.filter((r: { gpu: boolean }) => r.gpu).map((r: { name: string }) => r.name)).toEqual([
      'ub2004_cuda114_cudnn8_py38_wlatest',
      'ub2204_cuda121_cudnn8_py310_wlatest',
    ]);
  });
});
