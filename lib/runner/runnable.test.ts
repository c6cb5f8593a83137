import { linkSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGES_KEPT, packagesKept, unrunnableOnHost, versionUnrunnableReason } from './runnable';
import { writeBundle } from './testing/build';
import type { RunnerCapabilities } from './types';

const working: Pick<RunnerCapabilities, 'sandbox' | 'gpu'> = {
  sandbox: { enabled: true, unavailableReason: null, disabledByOperator: false },
  gpu: { available: false, count: 0 },
};
const python = { appMode: 'python' as const, gpuCount: 0 };

describe('whether this host can run an app version (the app page says why not)', () => {
  it('a python app on a host with a working sandbox and nothing missing runs', () => {
    expect(unrunnableOnHost({ runtime: python }, { capabilities: working, missingPackages: [] })).toBeNull();
  });

  it('no sandbox: refused with its reason, unless the operator switched it off', () => {
    const broken = { ...working, sandbox: { enabled: false, unavailableReason: '/usr/bin/bwrap is missing', disabledByOperator: false } };
    expect(unrunnableOnHost({ runtime: python }, { capabilities: broken, missingPackages: [] })).toBe(
      'Apps cannot run on this host: the sandbox is unavailable (/usr/bin/bwrap is missing).',
    );
    const off = { ...working, sandbox: { enabled: false, unavailableReason: null, disabledByOperator: true } };
    expect(unrunnableOnHost({ runtime: python }, { capabilities: off, missingPackages: [] })).toBeNull();
  });

  it('more GPUs than the host has: refused, saying how many', () => {
    expect(unrunnableOnHost({ runtime: { ...python, gpuCount: 1 } }, { capabilities: working, missingPackages: [] })).toBe(
      'The app asks for 1 GPU (Runtime.GPUCount) and this host has none.',
    );
    const twoGpus = { ...working, gpu: { available: true, count: 2 } };
    expect(unrunnableOnHost({ runtime: { ...python, gpuCount: 4 } }, { capabilities: twoGpus, missingPackages: [] })).toBe(
      'The app asks for 4 GPUs (Runtime.GPUCount) and this host has 2.',
    );
    expect(unrunnableOnHost({ runtime: { ...python, gpuCount: 2 } }, { capabilities: twoGpus, missingPackages: [] })).toBeNull();
  });

  it('missing packages.txt packages are named; several reasons are all given', () => {
    expect(unrunnableOnHost({ runtime: python }, { capabilities: working, missingPackages: ['ffmpeg', 'libgomp1'] })).toBe(
      'packages.txt needs OS packages this host does not have: ffmpeg, libgomp1. The local runner installs no OS packages; ask the operator to install them.',
    );
    const broken = { ...working, sandbox: { enabled: false, unavailableReason: 'no bwrap', disabledByOperator: false } };
    const reason = unrunnableOnHost({ runtime: { ...python, gpuCount: 1 } }, { capabilities: broken, missingPackages: ['ffmpeg'] })!;
    expect(reason).toContain('sandbox is unavailable (no bwrap)');
    expect(reason).toContain('1 GPU');
    expect(reason).toContain('ffmpeg');
  });

  it('container apps need the Kubernetes runner', () => {
    expect(unrunnableOnHost({ runtime: { appMode: 'container', gpuCount: 0 } }, { capabilities: working, missingPackages: [] })).toMatch(/Kubernetes runner/);
  });
});

describe('versionUnrunnableReason: the facts read from a stored bundle and this host', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runnable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const runner = { capabilities: async () => ({ ...working, runner: 'local', resources: { memory: false, cpu: false, cgroupVersion: null, note: null }, egress: true }) as RunnerCapabilities };

  it("names the packages of the bundle's packages.txt that dpkg does not know as installed", async () => {
    const bundle = await writeBundle(path.join(dir, 'needs.wave'), {
      'app.toml': '[App]\nName = "x"\n',
      'packages.txt': '# OS packages\ncoreutils\nsurely-not-a-package-1\n',
    });
    expect(await versionUnrunnableReason({ runtime: python, bundlePath: bundle }, runner)).toBe(
      'packages.txt needs OS packages this host does not have: surely-not-a-package-1. The local runner installs no OS packages; ask the operator to install them.',
    );
  });

  it('a bundle without packages.txt, or with installed ones only, can run', async () => {
    const none = await writeBundle(path.join(dir, 'none.wave'), { 'app.toml': '[App]\nName = "x"\n' });
    const installed = await writeBundle(path.join(dir, 'installed.wave'), { 'app.toml': '[App]\nName = "x"\n', 'packages.txt': 'bash\n' });
    expect(await versionUnrunnableReason({ runtime: python, bundlePath: none }, runner)).toBeNull();
    expect(await versionUnrunnableReason({ runtime: python, bundlePath: installed }, runner)).toBeNull();
  });
});

describe("the bundles' packages kept in memory", () => {
  it('are bounded, least recently used out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runnable-kept-'));
    try {
      const runner = { capabilities: async () => ({ ...working, runner: 'local', resources: { memory: false, cpu: false, cgroupVersion: null, note: null }, egress: true }) as RunnerCapabilities };
      const reasonOf = (bundlePath: string) => versionUnrunnableReason({ runtime: python, bundlePath }, runner);
      const first = await writeBundle(path.join(dir, 'first.wave'), { 'app.toml': '[App]\nName = "x"\n', 'packages.txt': 'surely-not-a-package-2\n' });
      expect(await reasonOf(first)).toMatch(/surely-not-a-package-2/);
      rmSync(first); // from now on only the kept answer knows its packages
      const filler = await writeBundle(path.join(dir, 'filler.wave'), { 'app.toml': '[App]\nName = "x"\n' });
      const others = (from: number, count: number) => Array.from({ length: count }, (_, i) => path.join(dir, `f${from + i}.wave`));
      for (const other of others(0, PACKAGES_KEPT - 1)) {
        linkSync(filler, other);
        await reasonOf(other);
      }
      expect(await reasonOf(first)).toMatch(/surely-not-a-package-2/); // kept, and now the most recently used
      for (const other of others(PACKAGES_KEPT, 1)) {
        linkSync(filler, other);
        await reasonOf(other);
      }
      expect(packagesKept()).toBe(PACKAGES_KEPT);
      expect(await reasonOf(first)).toMatch(/surely-not-a-package-2/); // f0 went out, not it
      for (const other of others(PACKAGES_KEPT + 1, PACKAGES_KEPT)) {
        linkSync(filler, other);
        await reasonOf(other);
      }
      expect(packagesKept()).toBe(PACKAGES_KEPT);
      expect(await reasonOf(first)).toBeNull(); // out: read again, and its bundle is gone (no packages known)
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
