// The run buttons of an app page: Run / Open / Run another (ON_DEMAND), Start instance / Visit (MANAGED),
// or why the app cannot run here — decided by lib/auth/instance-policy for this viewer.
import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import { perConnection } from '@/db';
import { instances } from '@/db/schema';
import { allowedInstanceVisibilities, canOpenInstance, startRefusal, type InstanceLifecycle, type InstanceVisibility } from '@/lib/auth/instance-policy';
import { canSeeApp, type AccessSettings, type Viewer } from '@/lib/auth/policy';
import { instanceUrl } from '@/lib/router/routes';
import { versionUnrunnableReason } from '@/lib/runner';
import { bundlePath } from '@/lib/storage/paths';
import { runnerFacts } from './gateway';
import { routerSettings } from './router-settings';
import { appRunFacts, BROKEN_VERSION, newestDeployedInstances, systemGet } from './store';

export interface RunOptions {
  /** The viewer may start an instance now (Run / Start instance). */
  canStart: boolean;
  lifecycle: InstanceLifecycle;
  /** Why the app cannot run on this portal at all (not: why this viewer may not start it). */
  notRunnable: string | null;
  /** Sign in first to run it. */
  signIn: boolean;
  /** The viewer's own instances of this version, newest first. */
  mine: { id: string; status: string; url: string }[];
  /** MANAGED: the newest DEPLOYED instance the viewer may open. */
  visitUrl: string | null;
  /** The visibilities the viewer may give an instance they start (MANAGED starts offer the choice). */
  visibilities: InstanceVisibility[];
}

/**
 * Where the newest DEPLOYED instance of an app version that this viewer may open is reached (under its
 * primary alias when it has one), or null: none runs, or the viewer may not see the version.
 * `GET /api/v1/apps/{id}/instance` answers it; a MANAGED app's Visit opens it.
 */
export function newestOpenInstance(viewer: Viewer | null, appId: string, settings: AccessSettings): { id: string; url: string } | null {
  const app = appRunFacts(appId);
  if (!app || !canSeeApp(viewer, app, settings)) return null;
  const open = newestDeployedInstances(app.id).find((r) => canOpenInstance(viewer, { ownerId: r.ownerId, visibility: r.visibility, app }, settings));
  return open ? { id: open.id, url: instanceUrl(open.primaryAlias ?? open.id, open.app.routingMode, routerSettings()) } : null;
}

/** The viewer's own instances of a version, newest first: every app page asks, so prepared once per connection. */
const ownInstances = perConnection((db) =>
  db
    .select({ id: instances.id, status: instances.status })
    .from(instances)
    .where(and(eq(instances.appId, sql.placeholder('appId')), eq(instances.ownerId, sql.placeholder('ownerId'))))
    .orderBy(desc(instances.createdAt))
    .prepare(),
);

export async function runOptions(viewer: Viewer | null, appId: string, settings: AccessSettings): Promise<RunOptions | null> {
  const app = appRunFacts(appId);
  if (!app) return null;
  const lifecycle = (['ON_DEMAND', 'MANAGED', 'LINK'].includes(app.instanceLifecycle) ? app.instanceLifecycle : 'ON_DEMAND') as InstanceLifecycle;
  const facts = { ...app, instanceLifecycle: lifecycle };
  const refusal = startRefusal(viewer, facts, settings);
  // Why this host cannot run the version at all (container app, no sandbox, GPUs, packages.txt), so the page
  // says so instead of offering a Run that ends FAILED; the start itself checks again.
  const notRunnable = app.brokenReason
    ? BROKEN_VERSION
    : lifecycle === 'LINK' || app.kind === 'link'
      ? null
      : await versionUnrunnableReason({ runtime: app.runtime, bundlePath: bundlePath(app.bundleSha256) }, runnerFacts());
  const mine = viewer ? ownInstances().all({ appId: app.id, ownerId: viewer.id }) : [];
  const visitUrl = lifecycle === 'MANAGED' ? (newestOpenInstance(viewer, app.id, settings)?.url ?? null) : null;
  return {
    canStart: refusal === null && notRunnable === null,
    lifecycle,
    notRunnable,
    signIn: refusal === 'sign-in',
    mine: mine.map((m) => ({ ...m, url: `/instances/${m.id}?open=1` })),
    visitUrl,
    visibilities: viewer ? allowedInstanceVisibilities(viewer) : [],
  };
}

/**
 * The DEPLOYED instances of MANAGED app versions among a page's version ids (a JSON array), newest first. One
 * statement whatever the number of ids, prepared once per connection: the catalog runs it for every page. CROSS
 * JOIN keeps the order written (each id, its instances by index, their app by key): SQLite would otherwise scan
 * instances or apps, not knowing how few ids the list holds.
 */
export const DEPLOYED_MANAGED_SQL = `SELECT i.id, i.app_id AS appId, i.owner_id AS ownerId, i.visibility
  FROM json_each(?) ids CROSS JOIN instances i ON i.app_id = ids.value CROSS JOIN apps a ON a.id = i.app_id
  WHERE i.status = 'DEPLOYED' AND a.instance_lifecycle = 'MANAGED'
  ORDER BY i.created_at DESC`;
type DeployedRow = { id: string; appId: string; ownerId: string; visibility: InstanceVisibility };
const deployedManaged = perConnection(({ $client }) => $client.prepare<[string], DeployedRow>(DEPLOYED_MANAGED_SQL));

/**
 * For catalog cards: the URL of the newest DEPLOYED instance this viewer may open, for each MANAGED app
 * version among `appIds` that has one (the card then opens it directly, as the platform's does).
 */
export function managedOpenUrls(viewer: Viewer | null, appIds: string[], settings: AccessSettings): Map<string, string> {
  const out = new Map<string, string>();
  if (appIds.length === 0) return out;
  const rows = deployedManaged().all(JSON.stringify(appIds));
  const router = routerSettings();
  for (const row of rows) {
    if (out.has(row.appId)) continue;
    const app = appRunFacts(row.appId);
    if (!app) continue;
    const record = systemGet(row.id);
    if (record && canOpenInstance(viewer, { ownerId: row.ownerId, visibility: row.visibility, app }, settings)) {
      out.set(row.appId, instanceUrl(record.primaryAlias ?? row.id, record.app.routingMode, router));
    }
  }
  return out;
}
