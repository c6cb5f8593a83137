// Runtime administration through the server actions: admins only, and always exactly one default.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/auth/policy';
import { listRuntimeVersions, seedRuntimeVersions } from '@/lib/runtimes/catalog';
import { insertUser, useTempDataDir, refusedWithoutChange } from '@/lib/testing/db';

let currentViewer: Viewer | null = null;
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => currentViewer }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { addRuntimeAction, setRuntimeStatusAction, updateRuntimeAction } = await import('./actions');

useTempDataDir();

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};
const as = (isAdmin: boolean): Viewer => {
  const u = insertUser({ isAdmin });
  return { id: u.id, email: u.email, name: u.name, isAdmin, roles: [], fullAccess: true };
};
const defaults = () => listRuntimeVersions().filter((r) => r.status === 'default').map((r) => r.name);

describe('runtime version actions', () => {
  beforeEach(() => {
    currentViewer = null;
  });

  it('seeds once: a second seed after changes inserts nothing', () => {
    seedRuntimeVersions();
    expect(listRuntimeVersions()).toHaveLength(5);
    seedRuntimeVersions();
    expect(listRuntimeVersions()).toHaveLength(5);
  });

  it('refuses non-admins', async () => {
    currentViewer = as(false);
    expect(await refusedWithoutChange(() => setRuntimeStatusAction(null, form({ name: 'deb11_py38_wlatest', status: 'default' })))).toMatchObject({
      ok: false,
      message: 'Only administrators may do this.',
    });
    expect(await refusedWithoutChange(() => addRuntimeAction(null, form({ name: 'x1', pythonVersion: '3.11', note: '' })))).toMatchObject({ ok: false });
    expect(defaults()).toEqual(['deb11_py310_wlatest']);
    expect(listRuntimeVersions().some((r) => r.name === 'x1')).toBe(false);
  });

  it('adds, edits, deprecates and moves the default, keeping exactly one', async () => {
    currentViewer = as(true);
    expect(await addRuntimeAction(null, form({ name: 'deb12_py311_wlatest', pythonVersion: '3.11', gpu: 'on', note: 'new' }))).toMatchObject({ ok: true });
    const dup = await refusedWithoutChange(() => addRuntimeAction(null, form({ name: 'deb12_py311_wlatest', pythonVersion: '3.11', note: '' })));
    expect(dup).toMatchObject({ ok: false, fieldErrors: { name: ['This name is taken.'] } });
    const bad = await addRuntimeAction(null, form({ name: 'Bad Name', pythonVersion: 'three', note: '' }));
    expect(bad && !bad.ok && Object.keys(bad.fieldErrors).sort()).toEqual(['name', 'pythonVersion']);

    expect(await updateRuntimeAction(null, form({ name: 'deb12_py311_wlatest', pythonVersion: '3.11.9', note: 'CPU only' }))).toMatchObject({ ok: true });
    const edited = listRuntimeVersions().find((r) => r.name === 'deb12_py311_wlatest')!;
    expect(edited).toMatchObject({ pythonVersion: '3.11.9', gpu: false, note: 'CPU only', status: 'available' });

    expect(await setRuntimeStatusAction(null, form({ name: 'deb12_py311_wlatest', status: 'default' }))).toMatchObject({ ok: true });
    expect(defaults()).toEqual(['deb12_py311_wlatest']);
    expect(listRuntimeVersions().find((r) => r.name === 'deb11_py310_wlatest')!.status).toBe('available');

    const demote = await refusedWithoutChange(() => setRuntimeStatusAction(null, form({ name: 'deb12_py311_wlatest', status: 'deprecated' })));
    expect(demote).toMatchObject({ ok: false, message: expect.stringContaining('make another one the default first') });
    expect(defaults()).toEqual(['deb12_py311_wlatest']);

    const before = listRuntimeVersions().map((r) => r.name);
    expect(await setRuntimeStatusAction(null, form({ name: 'deb11_py38_wlatest', status: 'deprecated' }))).toMatchObject({ ok: true });
    // It keeps its place in the list.
    expect(listRuntimeVersions().map((r) => r.name)).toEqual(before);
    expect(listRuntimeVersions('byName').map((r) => r.name)).toEqual([...before].sort());
  });

  it('refuses to make a deprecated runtime the default until it is available again', async () => {
    currentViewer = as(true);
    const current = defaults();
    expect(await setRuntimeStatusAction(null, form({ name: 'deb11_py39_wlatest', status: 'deprecated' }))).toMatchObject({ ok: true });
    const refused = await refusedWithoutChange(() => setRuntimeStatusAction(null, form({ name: 'deb11_py39_wlatest', status: 'default' })));
    expect(refused).toMatchObject({ ok: false, message: '"deb11_py39_wlatest" is deprecated and cannot be the default runtime version; make it available first.' });
    expect(defaults()).toEqual(current);
    expect(await setRuntimeStatusAction(null, form({ name: 'deb11_py39_wlatest', status: 'available' }))).toMatchObject({ ok: true });
    expect(await setRuntimeStatusAction(null, form({ name: 'deb11_py39_wlatest', status: 'default' }))).toMatchObject({ ok: true });
    expect(defaults()).toEqual(['deb11_py39_wlatest']);
  });
});
