// Instance rows: who started what, its visibility and status. Every read and write that a person causes
// takes the viewer and applies lib/auth/instance-policy here, with its audit row in the same transaction.
// The manager (lib/instances/manager.ts) drives statuses; it uses the `system` functions at the bottom.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { getDb, perConnection, type Db, type Tx } from '@/db';
import {
  apps,
  appTags,
  instances,
  tags,
  users,
  type App,
  type Instance,
  type InstanceStage,
  type InstanceStatus,
  type RetiredAppVersion,
  type Visibility,
} from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import {
  allowedInstanceVisibilities,
  canOperateInstance,
  canReadInstanceLogs,
  canSeeInstance,
  canSuspendInstance,
  canTerminateInstance,
  startRefusal,
  type InstanceFacts,
  type InstanceLifecycle,
} from '@/lib/auth/instance-policy';
import { canSeeApp, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { instanceLimit, visitorInstanceLimit } from '@/lib/config';
import { AppError, forbidden, notFound } from '@/lib/errors';
import { withStorageLock } from '@/lib/storage/lock';
import { bundlePath } from '@/lib/storage/paths';
import { removeUnreferencedFiles } from '@/lib/storage/sweep';

/** An instance with what is needed to decide on it and to show it. */
export interface InstanceRecord extends Instance {
  app: {
    id: string;
    name: string;
    version: string;
    title: string;
    ownerId: string;
    visibility: Visibility;
    kind: string;
    instanceLifecycle: InstanceLifecycle;
    instanceTimeout: string | null;
    routingMode: 'DOMAIN' | 'BASE_URL';
    tagVisitorRoles: string[][];
    /** Set when the version was deleted while this instance ran: it keeps running, nothing new starts. */
    deletedAt: Date | null;
  };
  owner: { id: string; name: string };
  /** Its primary alias, if it has one: the name it is reached under. */
  primaryAlias: string | null;
}

export function factsOf(record: InstanceRecord): InstanceFacts {
  return { ownerId: record.ownerId, visibility: record.visibility, app: record.app };
}

type Reader = Pick<Db, 'select'>;

function tagVisitorRolesOf(reader: Reader, appIds: string[]): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  if (appIds.length === 0) return out;
  const rows = reader
    .select({ appId: appTags.appId, visitorRoles: tags.visitorRoles })
    .from(appTags)
    .innerJoin(tags, eq(tags.id, appTags.tagId))
    .where(inArray(appTags.appId, appIds))
    .all();
  for (const row of rows) out.set(row.appId, [...(out.get(row.appId) ?? []), row.visitorRoles]);
  return out;
}

function selectRecords(reader: Reader, where: SQL | undefined, limit?: number): InstanceRecord[] {
  let query = reader
    .select({
      instance: instances,
      app: {
        id: apps.id,
        name: apps.name,
        version: apps.version,
        title: apps.title,
        ownerId: apps.ownerId,
        visibility: apps.visibility,
        kind: apps.kind,
        instanceLifecycle: apps.instanceLifecycle,
        instanceTimeout: apps.instanceTimeout,
        runtime: apps.runtime,
      },
      owner: { id: users.id, name: users.name },
      primaryAlias: sql<string | null>`(select name from aliases where instance_id = ${instances.id} and is_primary = 1)`,
    })
    .from(instances)
    // A deleted version's instances keep running: their app_snapshot stands in for the missing row.
    .leftJoin(apps, eq(apps.id, instances.appId))
    .innerJoin(users, eq(users.id, instances.ownerId))
    .where(where)
    .orderBy(desc(instances.createdAt), desc(instances.id))
    .$dynamic();
  if (limit !== undefined) query = query.limit(limit);
  const rows = query.all();
  const roles = tagVisitorRolesOf(reader, [...new Set(rows.flatMap((r) => (r.app ? [r.app.id] : [])))]);
  return rows.map(({ instance, app: row, owner, primaryAlias }) => {
    const retired = row ? null : instance.appSnapshot;
    const app = row ?? retired!;
    return {
      ...instance,
      app: {
        id: instance.appId,
        name: app.name,
        version: app.version,
        title: app.title,
        ownerId: app.ownerId,
        visibility: app.visibility,
        kind: app.kind,
        instanceLifecycle: app.instanceLifecycle as InstanceLifecycle,
        instanceTimeout: app.instanceTimeout,
        routingMode: app.runtime?.routingMode === 'BASE_URL' ? 'BASE_URL' : 'DOMAIN',
        tagVisitorRoles: retired ? retired.tagVisitorRoles : (roles.get(instance.appId) ?? []),
        deletedAt: retired ? new Date(retired.deletedAt) : null,
      },
      owner,
      primaryAlias,
    };
  });
}

function recordById(reader: Reader, id: string): InstanceRecord | null {
  return selectRecords(reader, eq(instances.id, id))[0] ?? null;
}

/** The instance if the viewer may see it; otherwise 404, exactly as for an instance that does not exist. */
export function getInstance(viewer: Viewer | null, id: string, settings: AccessSettings): InstanceRecord {
  const record = recordById(getDb(), id);
  if (!record || !canSeeInstance(viewer, factsOf(record), settings)) throw notFound('No such instance.');
  return record;
}

/** The instance whose log the viewer may read (instance owner, app owner, admins); 404 when they may not see it. */
export function getInstanceForLogs(viewer: Viewer, id: string, settings: AccessSettings): InstanceRecord {
  const record = getInstance(viewer, id, settings);
  if (!canReadInstanceLogs(viewer, factsOf(record))) throw forbidden('Only the instance owner, the app owner and administrators read logs.');
  return record;
}

/** The admin list's filters: app (its id, or part of its name or title), owner (part of the name or e-mail), status. */
export interface InstanceFilters {
  app?: string;
  owner?: string;
  status?: InstanceStatus;
}

export type InstanceListScope = { kind: 'mine' } | ({ kind: 'all' } & InstanceFilters) | { kind: 'app'; appId: string };

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** My instances; every instance (admins, with filters); the instances of one app version (its owner and admins). */
export function listInstances(viewer: Viewer, scope: InstanceListScope): InstanceRecord[] {
  const db = getDb();
  if (scope.kind === 'mine') return selectRecords(db, eq(instances.ownerId, viewer.id));
  if (scope.kind === 'all') {
    if (!viewer.isAdmin) throw forbidden('Only administrators may list every instance.');
    const owner = scope.owner?.trim();
    const app = scope.app?.trim().toLowerCase();
    const where = and(
      scope.status ? eq(instances.status, scope.status) : undefined,
      owner
        ? inArray(
            instances.ownerId,
            db
              .select({ id: users.id })
              .from(users)
              .where(sql`lower(${users.name}) like ${likePattern(owner)} escape '\\' or lower(${users.email}) like ${likePattern(owner)} escape '\\'`),
          )
        : undefined,
    );
    // The app is matched on the record (a deleted version's name and title live on its instances).
    return selectRecords(db, where).filter(
      (r) => !app || r.app.id === scope.app?.trim() || r.app.name.toLowerCase().includes(app) || r.app.title.toLowerCase().includes(app),
    );
  }
  const app = db.select({ ownerId: apps.ownerId }).from(apps).where(eq(apps.id, scope.appId)).get();
  if (!app || !(viewer.isAdmin || viewer.id === app.ownerId)) throw notFound('No such app.');
  return selectRecords(db, eq(instances.appId, scope.appId));
}

/**
 * Inside the transaction that deletes an app version: keeps what its instances need of it on each of them,
 * so they keep running (and can be paused, resumed and restarted) without the row. Returns them as they were.
 */
export function retireInstancesOf(tx: Tx, app: App, tagVisitorRoles: string[][]): InstanceRecord[] {
  const records = selectRecords(tx, eq(instances.appId, app.id));
  if (records.length === 0) return records;
  const snapshot: RetiredAppVersion = {
    id: app.id,
    name: app.name,
    version: app.version,
    title: app.title,
    ownerId: app.ownerId,
    visibility: app.visibility,
    kind: app.kind,
    instanceLifecycle: app.instanceLifecycle,
    instanceTimeout: app.instanceTimeout,
    runtimeVersion: app.runtimeVersion,
    runtime: app.runtime,
    env: app.env,
    files: app.files,
    bundleSha256: app.bundleSha256,
    tagVisitorRoles,
    deletedAt: new Date().toISOString(),
  };
  tx.update(instances).set({ appSnapshot: snapshot }).where(eq(instances.appId, app.id)).run();
  return records;
}

/** The newest DEPLOYED instance of an app version the viewer may open (a MANAGED app's Visit). */
export function newestDeployedInstances(appId: string): InstanceRecord[] {
  return selectRecords(getDb(), and(eq(instances.appId, appId), eq(instances.status, 'DEPLOYED')));
}

/** appRunFacts' two reads, prepared once per connection: every app page and every start asks them. */
const runFactsQueries = perConnection((db) => {
  const id = sql.placeholder('id');
  return {
    app: db
      .select({
        id: apps.id,
        ownerId: apps.ownerId,
        visibility: apps.visibility,
        kind: apps.kind,
        instanceLifecycle: apps.instanceLifecycle,
        brokenReason: apps.brokenReason,
        runtime: apps.runtime,
        bundleSha256: apps.bundleSha256,
      })
      .from(apps)
      .where(eq(apps.id, id))
      .prepare(),
    tagVisitorRoles: db.select({ visitorRoles: tags.visitorRoles }).from(appTags).innerJoin(tags, eq(tags.id, appTags.tagId)).where(eq(appTags.appId, id)).prepare(),
  };
});

/** What the run rules need to know about an app version, or null when there is none. */
export function appRunFacts(appId: string) {
  const queries = runFactsQueries();
  const app = queries.app.get({ id: appId });
  return app ? { ...app, tagVisitorRoles: queries.tagVisitorRoles.all({ id: appId }).map((r) => r.visitorRoles) } : null;
}

/** Why a version the storage check marked broken starts no instance. */
export const BROKEN_VERSION =
  'This version is broken: files it needs are missing from the portal\'s storage, so it cannot start. An administrator restores them (Admin → Storage).';

function limitFor(viewer: Viewer): number {
  return viewer.fullAccess ? instanceLimit() : visitorInstanceLimit();
}

const REFUSAL: Record<Exclude<ReturnType<typeof startRefusal>, null>, () => AppError> = {
  link: () => new AppError('CONFLICT', 'LINK apps have no instances: Visit opens their address.'),
  'not-visible': () => notFound('No such app.'),
  'sign-in': () => new AppError('UNAUTHENTICATED', 'Sign in to run this app.'),
  managed: () => forbidden('This app has a managed lifecycle: only its owner or an administrator starts instances. Use Visit.'),
};

/**
 * Records a new PENDING instance of an app version for the viewer, after the platform's checks (who may
 * start it, the visibility they may give it, their instance limit), with its audit row.
 */
export function createInstance(
  viewer: Viewer,
  input: { appId: string; visibility?: Visibility },
  settings: AccessSettings,
): InstanceRecord {
  const db = getDb();
  const id = randomUUID();
  db.transaction(
    (tx) => {
      const app = tx
        .select({
          id: apps.id,
          name: apps.name,
          version: apps.version,
          ownerId: apps.ownerId,
          visibility: apps.visibility,
          instanceLifecycle: apps.instanceLifecycle,
          brokenReason: apps.brokenReason,
        })
        .from(apps)
        .where(eq(apps.id, input.appId))
        .get();
      if (!app) throw notFound('No such app.');
      const facts = {
        ownerId: app.ownerId,
        visibility: app.visibility,
        tagVisitorRoles: tagVisitorRolesOf(tx, [app.id]).get(app.id) ?? [],
        instanceLifecycle: app.instanceLifecycle as InstanceLifecycle,
      };
      if (!canSeeApp(viewer, facts, settings)) throw notFound('No such app.');
      const refusal = startRefusal(viewer, facts, settings);
      if (refusal) throw REFUSAL[refusal]();
      if (app.brokenReason) throw new AppError('CONFLICT', BROKEN_VERSION);
      const visibility = input.visibility ?? 'PRIVATE';
      if (!allowedInstanceVisibilities(viewer).includes(visibility)) {
        throw new AppError('FORBIDDEN', `You may start instances only as ${allowedInstanceVisibilities(viewer).join(' or ')}.`, [
          { path: 'visibility', message: `Not allowed: ${visibility}.` },
        ]);
      }
      const limit = limitFor(viewer);
      if (limit > 0) {
        const held = tx.select({ n: count() }).from(instances).where(eq(instances.ownerId, viewer.id)).get()!.n;
        if (held >= limit) {
          throw new AppError(
            'LIMIT_REACHED',
            `You have ${held} instance${held === 1 ? '' : 's'}, the most you may hold (${limit}). Terminate one at My instances (/instances) first.`,
          );
        }
      }
      tx.insert(instances)
        .values({ id, appId: app.id, ownerId: viewer.id, visibility, status: 'PENDING', stage: 'SOURCING', updatedAt: new Date() })
        .run();
      writeAudit(tx, {
        actorId: viewer.id,
        action: 'instance.start',
        targetType: 'instance',
        targetId: id,
        details: { name: app.name, version: app.version, appId: app.id, visibility },
      });
    },
    { behavior: 'immediate' },
  );
  return recordById(db, id)!;
}

function requireOperable(tx: Reader, viewer: Viewer, id: string, settings: AccessSettings, allowAdmin = false): InstanceRecord {
  const record = recordById(tx, id);
  if (!record || !canSeeInstance(viewer, factsOf(record), settings)) throw notFound('No such instance.');
  // Admins may suspend, resume and terminate any instance; only its owner changes it otherwise.
  const allowed = allowAdmin ? canTerminateInstance(viewer, record) || canSuspendInstance(viewer, record) : canOperateInstance(viewer, record);
  if (!allowed) throw forbidden('Only the owner of this instance may do that.');
  return record;
}

/** Changes who may open the instance (its owner). */
export function updateInstanceVisibility(
  viewer: Viewer,
  id: string,
  visibility: Visibility,
  settings: AccessSettings,
): InstanceRecord {
  const db = getDb();
  db.transaction(
    (tx) => {
      const record = requireOperable(tx, viewer, id, settings);
      if (record.visibility === visibility) return;
      if (!allowedInstanceVisibilities(viewer).includes(visibility)) {
        throw new AppError('FORBIDDEN', `Your instances may only be ${allowedInstanceVisibilities(viewer).join(' or ')}.`);
      }
      tx.update(instances).set({ visibility, updatedAt: new Date() }).where(eq(instances.id, id)).run();
      writeAudit(tx, {
        actorId: viewer.id,
        action: 'instance.update',
        targetType: 'instance',
        targetId: id,
        details: { name: record.app.name, version: record.app.version, visibility: { from: record.visibility, to: visibility } },
      });
    },
    { behavior: 'immediate' },
  );
  return recordById(db, id)!;
}

/** Admins switch the idle timeout off (or on again) for one instance. */
export function setAutoSuspend(viewer: Viewer, id: string, autoSuspend: boolean): InstanceRecord {
  if (!viewer.isAdmin) throw forbidden('Only administrators may change auto-suspend.');
  const db = getDb();
  db.transaction(
    (tx) => {
      const record = recordById(tx, id);
      if (!record) throw notFound('No such instance.');
      tx.update(instances)
        .set({ autoSuspend, suspendAfter: autoSuspend ? record.suspendAfter : null, updatedAt: new Date() })
        .where(eq(instances.id, id))
        .run();
      writeAudit(tx, {
        actorId: viewer.id,
        action: 'instance.update',
        targetType: 'instance',
        targetId: id,
        details: { name: record.app.name, version: record.app.version, autoSuspend },
      });
    },
    { behavior: 'immediate' },
  );
  return recordById(db, id)!;
}

/** Checks that the viewer may suspend/resume/keep running (owner) or terminate (owner, admin) the instance. */
export function authorizeOperation(
  viewer: Viewer,
  id: string,
  operation: 'suspend' | 'resume' | 'keep-alive' | 'terminate',
  settings: AccessSettings,
): InstanceRecord {
  return requireOperable(getDb(), viewer, id, settings, operation !== 'keep-alive');
}

// ── The router's per-request read: one prepared statement, only what routing and authorization need ──

export interface RouteFacts extends InstanceFacts {
  id: string;
  status: InstanceStatus;
  routingMode: 'DOMAIN' | 'BASE_URL';
  /** Its primary alias: the canonical name it is reached under (else its id). */
  primaryAlias: string | null;
}

/** The router's reads, prepared once per connection: every proxied request asks them. */
const routeStatements = perConnection(({ $client: client }) => ({
  instance: client.prepare(
    // A deleted version's facts come from the instance's app_snapshot (a.id is then null).
    `select i.id, i.status, i.visibility, i.owner_id as ownerId,
            coalesce(a.owner_id, json_extract(i.app_snapshot, '$.ownerId')) as appOwnerId,
            coalesce(a.visibility, json_extract(i.app_snapshot, '$.visibility')) as appVisibility,
            coalesce(json_extract(a.runtime, '$.routingMode'), json_extract(i.app_snapshot, '$.runtime.routingMode')) as routingMode,
            a.id as appId, json_extract(i.app_snapshot, '$.tagVisitorRoles') as retiredRoles,
            (select al.name from aliases al where al.instance_id = i.id and al.is_primary = 1) as primaryAlias
       from instances i left join apps a on a.id = i.app_id where i.id = ?`,
  ),
  roles: client.prepare('select t.visitor_roles as roles from app_tags at join tags t on t.id = at.tag_id where at.app_id = ?'),
  alias: client.prepare('select instance_id as instanceId from aliases where name = ?'),
}));

/** An alias as the router sees it: unknown (undefined), unassigned (null) or the instance it points at. */
export function aliasTarget(name: string): string | null | undefined {
  const row = routeStatements().alias.get(name) as { instanceId: string | null } | undefined;
  return row ? row.instanceId : undefined;
}

/** What the router needs to decide on one request, read afresh every time (no cache before authorization). */
export function routeFacts(id: string): RouteFacts | null {
  const statements = routeStatements();
  const row = statements.instance.get(id) as
    | {
        id: string;
        status: InstanceStatus;
        visibility: Visibility;
        ownerId: string;
        appOwnerId: string;
        appVisibility: Visibility;
        routingMode: string | null;
        appId: string | null;
        retiredRoles: string | null;
        primaryAlias: string | null;
      }
    | undefined;
  if (!row) return null;
  const roles =
    row.appId === null
      ? (JSON.parse(row.retiredRoles ?? '[]') as string[][])
      : (statements.roles.all(row.appId) as { roles: string }[]).map((r) => JSON.parse(r.roles) as string[]);
  return {
    id: row.id,
    status: row.status,
    visibility: row.visibility,
    ownerId: row.ownerId,
    routingMode: row.routingMode === 'BASE_URL' ? 'BASE_URL' : 'DOMAIN',
    primaryAlias: row.primaryAlias,
    app: { ownerId: row.appOwnerId, visibility: row.appVisibility, tagVisitorRoles: roles },
  };
}

// ── Used by the manager only: state changes that follow from what the runner reports ─────────────

export function systemGet(id: string): InstanceRecord | null {
  return recordById(getDb(), id);
}

export function systemList(statuses: InstanceStatus[]): InstanceRecord[] {
  return selectRecords(getDb(), inArray(instances.status, statuses));
}

export function systemSetState(
  id: string,
  state: { status: InstanceStatus; stage?: InstanceStage | null; reason?: string | null; suspendAfter?: Date | null },
  audit?: { actorId: string | null; action: 'instance.suspend' | 'instance.resume'; details?: Record<string, unknown> },
): void {
  const db = getDb();
  db.transaction(
    (tx) => {
      const record = recordById(tx, id);
      if (!record) return;
      tx.update(instances)
        .set({
          status: state.status,
          stage: state.stage ?? null,
          reason: state.reason ?? null,
          ...(state.suspendAfter !== undefined ? { suspendAfter: state.suspendAfter } : {}),
          updatedAt: new Date(),
        })
        .where(eq(instances.id, id))
        .run();
      if (audit) {
        writeAudit(tx, {
          actorId: audit.actorId,
          action: audit.action,
          targetType: 'instance',
          targetId: id,
          details: { name: record.app.name, version: record.app.version, ...audit.details },
        });
      }
    },
    { behavior: 'immediate' },
  );
}

export function systemSetSuspendAfter(id: string, suspendAfter: Date | null): void {
  getDb().update(instances).set({ suspendAfter }).where(eq(instances.id, id)).run();
}

/**
 * Whether an app version is still needed to run instances: it exists, or an instance of it (kept running after
 * the version was deleted) does. What the runner prepared for a version not in use can go.
 */
export function appVersionInUse(appVersionId: string): boolean {
  return !!getDb().$client.prepare('select 1 from apps where id = ? union all select 1 from instances where app_id = ? limit 1').get(appVersionId, appVersionId);
}

/** Deletes the row (terminated instances are gone) and records who terminated it; returns its app version's id (null: no such row). */
export function systemDelete(id: string, actorId: string | null): string | null {
  const deleted = getDb().transaction(
    (tx) => {
      const record = recordById(tx, id);
      if (!record) return null;
      tx.delete(instances).where(eq(instances.id, id)).run();
      writeAudit(tx, {
        actorId,
        action: 'instance.terminate',
        targetType: 'instance',
        targetId: id,
        details: { name: record.app.name, version: record.app.version, appId: record.app.id },
      });
      return { appId: record.appId, retiredBundle: record.appSnapshot?.bundleSha256 ?? null };
    },
    { behavior: 'immediate' },
  );
  // The last instance of a deleted version held its bundle: unless another row needs it, it goes now.
  const retiredBundle = deleted?.retiredBundle;
  if (retiredBundle) {
    void withStorageLock(async () => removeUnreferencedFiles([bundlePath(retiredBundle)])).catch((error) => console.error('Removing a bundle failed:', error));
  }
  return deleted?.appId ?? null;
}
