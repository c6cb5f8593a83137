// Aliases: pretty names for instances, managed by administrators, with the platform's rules: a DNS label,
// unique, pointing at no or one instance, at most one primary per instance; unassigned it answers 404.
// Each change writes its audit row in the same transaction and takes effect on the next request; a running
// BASE_URL instance whose primary alias changed is restarted under its new prefix (manager.rebase).
import 'server-only';
import { and, asc, eq, ne } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { aliases, instances, type Alias } from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import type { Viewer } from '@/lib/auth/policy';
import { AppError, forbidden, notFound } from '@/lib/errors';
import { aliasNameProblem, instanceUrl } from '@/lib/router/routes';
import { installedManager } from './installed';
import { routerSettings } from './router-settings';
import { systemGet } from './store';

export interface AliasJson {
  name: string;
  instanceId: string | null;
  primary: boolean;
  /** The alias answers: assigned to an instance that is DEPLOYED. */
  active: boolean;
  instanceStatus: string | null;
  app: { id: string; name: string; version: string; title: string } | null;
  url: string | null;
  createdAt: string;
  updatedAt: string;
}

function requireAdmin(viewer: Viewer): void {
  if (!viewer.isAdmin) throw forbidden('Only administrators manage aliases.');
}

function validName(name: string): string {
  const problem = aliasNameProblem(name);
  if (problem) throw new AppError('INVALID_INPUT', problem, [{ path: 'name', message: problem }]);
  return name;
}

function present(row: Alias): AliasJson {
  // The instance as the store reads it: an instance of a deleted version still has its app (kept on it).
  const target = row.instanceId ? systemGet(row.instanceId) : null;
  return {
    name: row.name,
    instanceId: row.instanceId,
    // Kept while unassigned (and after its instance's termination): assigned again, it is primary again.
    primary: row.isPrimary,
    active: target?.status === 'DEPLOYED',
    instanceStatus: target?.status ?? null,
    app: target ? { id: target.app.id, name: target.app.name, version: target.app.version, title: target.app.title } : null,
    url: target ? instanceUrl(row.name, target.app.routingMode, routerSettings()) : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function load(tx: Pick<Tx, 'select'>, name: string): Alias {
  const row = tx.select().from(aliases).where(eq(aliases.name, name)).get();
  if (!row) throw notFound(`No alias named "${name}".`);
  return row;
}

function requireInstance(tx: Pick<Tx, 'select'>, instanceId: string): void {
  if (!tx.select({ id: instances.id }).from(instances).where(eq(instances.id, instanceId)).get()) {
    throw new AppError('NOT_FOUND', 'No such instance.', [{ path: 'instanceId', message: `No instance ${instanceId}.` }]);
  }
}

/**
 * Sets `name` pointing at `instanceId` (or nowhere), primary or not; a new primary demotes the old one. An
 * alias pointing nowhere keeps its flag (the index allows it): the roll-out's `assign` then needs nothing else.
 */
function point(tx: Tx, name: string, instanceId: string | null, primary: boolean): void {
  if (instanceId && primary) {
    tx.update(aliases).set({ isPrimary: false, updatedAt: new Date() }).where(and(eq(aliases.instanceId, instanceId), ne(aliases.name, name))).run();
  }
  tx.update(aliases).set({ instanceId, isPrimary: primary, updatedAt: new Date() }).where(eq(aliases.name, name)).run();
}

/** After a change: the instances whose primary alias may have changed get their BASE_URL prefix checked. */
function rebase(viewer: Viewer, ...instanceIds: (string | null)[]): void {
  const manager = installedManager();
  if (!manager) return;
  for (const id of new Set(instanceIds)) {
    if (id) void manager.rebase(id, viewer.id).catch((error) => console.error(`Restarting instance ${id} under its new address failed:`, error));
  }
}

function audit(tx: Tx, viewer: Viewer, action: 'alias.create' | 'alias.assign' | 'alias.promote' | 'alias.unassign' | 'alias.delete', name: string, details: Record<string, unknown>) {
  writeAudit(tx, { actorId: viewer.id, action, targetType: 'alias', targetId: name, details: { alias: name, ...details } });
}

function write<T>(run: (tx: Tx) => T): T {
  return getDb().transaction(run, { behavior: 'immediate' });
}

export function listAliases(viewer: Viewer): AliasJson[] {
  requireAdmin(viewer);
  const db = getDb();
  return db.select().from(aliases).orderBy(asc(aliases.name)).all().map((row) => present(row));
}

export function getAlias(viewer: Viewer, name: string): AliasJson {
  requireAdmin(viewer);
  return present(load(getDb(), name));
}

export function createAlias(viewer: Viewer, input: { name: string; instanceId: string; primary?: boolean }): AliasJson {
  requireAdmin(viewer);
  const name = validName(input.name);
  const created = write((tx) => {
    if (tx.select({ name: aliases.name }).from(aliases).where(eq(aliases.name, name)).get()) {
      throw new AppError('CONFLICT', `The alias "${name}" exists already: assign it instead.`, [{ path: 'name', message: 'Taken.' }]);
    }
    requireInstance(tx, input.instanceId);
    tx.insert(aliases).values({ name, instanceId: null, isPrimary: false, updatedAt: new Date() }).run();
    point(tx, name, input.instanceId, !!input.primary);
    audit(tx, viewer, 'alias.create', name, { instanceId: input.instanceId, primary: !!input.primary });
    return present(load(tx, name));
  });
  rebase(viewer, created.instanceId);
  return created;
}

/** Points the alias at another instance; it stays primary if it was (unless `primary` says otherwise). */
export function assignAlias(viewer: Viewer, name: string, instanceId: string, primary?: boolean): AliasJson {
  requireAdmin(viewer);
  const { from, alias } = write((tx) => {
    const row = load(tx, name);
    requireInstance(tx, instanceId);
    const isPrimary = primary ?? row.isPrimary;
    point(tx, name, instanceId, isPrimary);
    audit(tx, viewer, 'alias.assign', name, { from: row.instanceId, instanceId, primary: isPrimary });
    return { from: row.instanceId, alias: present(load(tx, name)) };
  });
  rebase(viewer, from, instanceId);
  return alias;
}

export function promoteAlias(viewer: Viewer, name: string): AliasJson {
  requireAdmin(viewer);
  const alias = write((tx) => {
    const row = load(tx, name);
    if (!row.instanceId) throw new AppError('CONFLICT', `The alias "${name}" points at no instance: assign it first.`);
    point(tx, name, row.instanceId, true);
    audit(tx, viewer, 'alias.promote', name, { instanceId: row.instanceId });
    return present(load(tx, name));
  });
  rebase(viewer, alias.instanceId);
  return alias;
}

export function unassignAlias(viewer: Viewer, name: string): AliasJson {
  requireAdmin(viewer);
  const { from, alias } = write((tx) => {
    const row = load(tx, name);
    point(tx, name, null, row.isPrimary);
    audit(tx, viewer, 'alias.unassign', name, { from: row.instanceId });
    return { from: row.instanceId, alias: present(load(tx, name)) };
  });
  rebase(viewer, from);
  return alias;
}

export function deleteAlias(viewer: Viewer, name: string): void {
  requireAdmin(viewer);
  const from = write((tx) => {
    const row = load(tx, name);
    tx.delete(aliases).where(eq(aliases.name, name)).run();
    audit(tx, viewer, 'alias.delete', name, { from: row.instanceId });
    return row.instanceId;
  });
  rebase(viewer, from);
}

/** The aliases of one instance, primary first (shown on its page to whoever may see the instance). */
export function aliasesOf(instanceId: string): { name: string; primary: boolean }[] {
  return getDb()
    .select({ name: aliases.name, primary: aliases.isPrimary })
    .from(aliases)
    .where(eq(aliases.instanceId, instanceId))
    .all()
    .sort((a, b) => Number(b.primary) - Number(a.primary) || a.name.localeCompare(b.name));
}
