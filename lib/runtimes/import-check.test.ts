import { describe, expect, it } from 'vitest';
import { insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { addRuntimeVersion, listRuntimeVersions, setRuntimeStatus } from './catalog';
import { resolveRuntimeVersion } from './import-check';

useTempDataDir();

describe('resolveRuntimeVersion', () => {
  it('gives the default to an app that names none', () => {
    expect(resolveRuntimeVersion(null, 0)).toEqual({ runtimeVersion: 'deb11_py310_wlatest', errors: [], warnings: [] });
    expect(resolveRuntimeVersion('  ', 0).runtimeVersion).toBe('deb11_py310_wlatest');
  });

  it('accepts a known runtime as named', () => {
    expect(resolveRuntimeVersion('deb11_py38_wlatest', 0)).toEqual({
      runtimeVersion: 'deb11_py38_wlatest',
      errors: [],
      warnings: [],
    });
  });

  it('refuses an unknown runtime, listing the known names', () => {
    const result = resolveRuntimeVersion('deb12_py312_wlatest', 0);
    expect(result.runtimeVersion).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].path).toBe('Runtime.RuntimeVersion');
    expect(result.errors[0].message).toContain('"deb12_py312_wlatest" is not known');
    for (const r of listRuntimeVersions()) expect(result.errors[0].message).toContain(r.name);
  });

  it('warns about GPUCount on a CPU runtime, also when it is the default, but not on a GPU runtime', () => {
    const cpu = resolveRuntimeVersion('deb11_py39_wlatest', 1);
    expect(cpu.errors).toEqual([]);
    expect(cpu.warnings).toEqual([expect.objectContaining({ path: 'Runtime.GPUCount' })]);
    expect(cpu.warnings[0].message).toContain('ub2204_cuda121_cudnn8_py310_wlatest');
    expect(resolveRuntimeVersion(null, 2).warnings[0].message).toContain('(the default)');
    expect(resolveRuntimeVersion('ub2004_cuda114_cudnn8_py38_wlatest', 1).warnings).toEqual([]);
  });

  it('warns about a deprecated runtime and follows a new default', () => {
    const admin = insertUser({ isAdmin: true });
    addRuntimeVersion(viewerOf(admin), { name: 'old_py37', pythonVersion: '3.7', gpu: false, note: 'end of life' });
    setRuntimeStatus(viewerOf(admin), 'old_py37', 'deprecated');
    const old = resolveRuntimeVersion('old_py37', 0);
    expect(old.runtimeVersion).toBe('old_py37');
    expect(old.warnings).toEqual([expect.objectContaining({ path: 'Runtime.RuntimeVersion' })]);
    expect(old.warnings[0].message).toContain('deprecated');

    setRuntimeStatus(viewerOf(admin), 'deb11_py39_wlatest', 'default');
    expect(resolveRuntimeVersion(null, 0).runtimeVersion).toBe('deb11_py39_wlatest');
    setRuntimeStatus(viewerOf(admin), 'deb11_py310_wlatest', 'default');
  });
});
