// The runtime versions apps may run on: seeded on first start with the platform's runtimes, then kept
// by admins. Exactly one is the default (what an app that names none runs on).
import 'server-only';
import { asc, count, eq } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { runtimeVersions, type RuntimeStatus, type RuntimeVersion } from '@/db/schema';
import { writeAudit, type AuditAction } from '@/lib/audit/audit';
import { canManageRuntimes, type Viewer } from '@/lib/auth/policy';
import { AppError, forbidden } from '@/lib/errors';

export const SEED_RUNTIME_VERSIONS: Omit<RuntimeVersion, 'createdAt'>[] = [
  { name: 'deb11_py38_wlatest', pythonVersion: '3.8', gpu: false, status: 'available', note: 'Debian 11, CPU' },
  { name: 'deb11_py39_wlatest', pythonVersion: '3.9', gpu: false, status: 'available', note: 'Debian 11, CPU' },
  { name: 'deb11_py310_wlatest', pythonVersion: '3.10', gpu: false, status: 'default', note: 'Debian 11, CPU' },
  {
    name: 'ub2004_cuda114_cudnn8_py38_wlatest',
    pythonVersion: '3.8',
    gpu: true,
    status: 'available',
    note: 'Ubuntu 20.04, CUDA 11.4, cuDNN 8',
  },
  {
    name: 'ub2204_cuda121_cudnn8_py310_wlatest',
    pythonVersion: '3.10',
    gpu: true,
    status: 'available',
    note: 'Ubuntu 22.04, CUDA 12.1, cuDNN 8',
  },
];

/** Inserts the platform's runtimes when the table is empty; does nothing otherwise (runs at every start). */
export function seedRuntimeVersions(): void {
  const db = getDb();
  db.transaction(
    (tx) => {
      const [{ n }] = tx.select({ n: count() }).from(runtimeVersions).all();
      if (n > 0) return;
      tx.insert(runtimeVersions).values(SEED_RUNTIME_VERSIONS).run();
    },
    { behavior: 'immediate' },
  );
}

let seededFor: unknown = null;
/** Reads see the seeded table even before start-up ran it (tests, scripts); once per connection. */
function ensureSeeded() {
  const db = getDb();
  if (seededFor !== db) {
    seedRuntimeVersions();
    seededFor = db;
  }
  return db;
}

/**
 * The default first (as the platform's CLI prints them), then the others by name: deprecating a runtime
 * does not move it. `byName` leaves the default in its place too (the admin page, where nothing jumps).
 */
export function listRuntimeVersions(order: 'default-first' | 'byName' = 'default-first'): RuntimeVersion[] {
  const byName = ensureSeeded().select().from(runtimeVersions).orderBy(asc(runtimeVersions.name)).all();
  return order === 'byName' ? byName : [...byName.filter((r) => r.status === 'default'), ...byName.filter((r) => r.status !== 'default')];
}

export function getRuntimeVersion(name: string): RuntimeVersion | null {
  return ensureSeeded().select().from(runtimeVersions).where(eq(runtimeVersions.name, name)).get() ?? null;
}

export function defaultRuntimeVersion(): RuntimeVersion | null {
  return ensureSeeded().select().from(runtimeVersions).where(eq(runtimeVersions.status, 'default')).get() ?? null;
}

export interface RuntimeVersionInput {
  name: string;
  pythonVersion: string;
  gpu: boolean;
  note: string;
}

function audit(tx: Tx, actorId: string, action: AuditAction, name: string, details: Record<string, unknown>) {
  writeAudit(tx, { actorId, action, targetType: 'runtime_version', targetId: name, details: { name, ...details } });
}

export function addRuntimeVersion(viewer: Viewer, input: RuntimeVersionInput): RuntimeVersion {
  if (!canManageRuntimes(viewer)) throw forbidden('Only administrators may manage runtime versions.');
  const db = ensureSeeded();
  db.transaction(
    (tx) => {
      if (tx.select({ name: runtimeVersions.name }).from(runtimeVersions).where(eq(runtimeVersions.name, input.name)).get()) {
        throw new AppError('CONFLICT', `Runtime version "${input.name}" already exists.`, [
          { path: 'name', message: 'This name is taken.' },
        ]);
      }
      tx.insert(runtimeVersions).values({ ...input, status: 'available' }).run();
      audit(tx, viewer.id, 'runtime.create', input.name, { ...input });
    },
    { behavior: 'immediate' },
  );
  return getRuntimeVersion(input.name)!;
}

export function updateRuntimeVersion(viewer: Viewer, name: string, patch: Omit<RuntimeVersionInput, 'name'>): RuntimeVersion {
  if (!canManageRuntimes(viewer)) throw forbidden('Only administrators may manage runtime versions.');
  const db = ensureSeeded();
  db.transaction(
    (tx) => {
      const done = tx.update(runtimeVersions).set(patch).where(eq(runtimeVersions.name, name)).run();
      if (done.changes === 0) throw new AppError('NOT_FOUND', `No runtime version named "${name}".`);
      audit(tx, viewer.id, 'runtime.update', name, { ...patch });
    },
    { behavior: 'immediate' },
  );
  return getRuntimeVersion(name)!;
}

/**
 * Moves a runtime to `available`, `deprecated` or `default`. Making one the default makes the previous
 * default available in the same transaction; the default itself cannot be deprecated or demoted
 * directly (pick another default first), so there is always exactly one. A deprecated runtime cannot
 * become the default (apps that name none would start on a runtime being retired): make it available first.
 */
export function setRuntimeStatus(viewer: Viewer, name: string, status: RuntimeStatus): RuntimeVersion {
  if (!canManageRuntimes(viewer)) throw forbidden('Only administrators may manage runtime versions.');
  const db = ensureSeeded();
  db.transaction(
    (tx) => {
      const current = tx.select().from(runtimeVersions).where(eq(runtimeVersions.name, name)).get();
      if (!current) throw new AppError('NOT_FOUND', `No runtime version named "${name}".`);
      if (current.status === status) return;
      if (current.status === 'default') {
        throw new AppError(
          'CONFLICT',
          `"${name}" is the default runtime version; make another one the default first.`,
        );
      }
      if (status === 'default' && current.status === 'deprecated') {
        throw new AppError(
          'CONFLICT',
          `"${name}" is deprecated and cannot be the default runtime version; make it available first.`,
        );
      }
      if (status === 'default') {
        tx.update(runtimeVersions).set({ status: 'available' }).where(eq(runtimeVersions.status, 'default')).run();
      }
      tx.update(runtimeVersions).set({ status }).where(eq(runtimeVersions.name, name)).run();
      audit(tx, viewer.id, 'runtime.status', name, { from: current.status, to: status });
    },
    { behavior: 'immediate' },
  );
  return getRuntimeVersion(name)!;
}

/** The shape `GET /api/v1/runtime-versions` answers and the CLI prints. */
export function toApiRuntimeVersion(r: RuntimeVersion) {
  return { name: r.name, status: r.status, pythonVersion: r.pythonVersion, gpu: r.gpu, note: r.note };
}
