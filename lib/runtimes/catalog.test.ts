import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog } from '@/db/schema';
import { insertUser, useTempDataDir, viewerOf } from '@/lib/testing/db';
import { addRuntimeVersion, getRuntimeVersion, setRuntimeStatus, updateRuntimeVersion } from './catalog';

useTempDataDir();

describe('runtime version store', () => {
  it('takes the viewer: only administrators change runtimes, each change audited with it', () => {
    const plain = viewerOf(insertUser());
    const admin = viewerOf(insertUser({ isAdmin: true }));
    const input = { name: 'deb12_py312_wlatest', pythonVersion: '3.12', gpu: false, note: '' };
    expect(() => addRuntimeVersion(plain, input)).toThrow(/Only administrators/);
    expect(getRuntimeVersion(input.name)).toBeNull();
    addRuntimeVersion(admin, input);
    expect(() => updateRuntimeVersion(plain, input.name, { pythonVersion: '3.13', gpu: false, note: '' })).toThrow(/Only administrators/);
    expect(() => setRuntimeStatus(plain, input.name, 'deprecated')).toThrow(/Only administrators/);
    setRuntimeStatus(admin, input.name, 'deprecated');
    const rows = getDb().select().from(auditLog).where(eq(auditLog.targetId, input.name)).all();
    expect(rows.map((r) => [r.action, r.actorId])).toEqual([
      ['runtime.create', admin.id],
      ['runtime.status', admin.id],
    ]);
  });
});
