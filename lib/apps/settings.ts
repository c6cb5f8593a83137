// What can change on an imported app version: its visibility and its tags, and it can be deleted.
// Each call checks the viewer itself (owner or admin; tags only where canAssignTag), writes in one
// immediate transaction, and records the change in the audit log in that same transaction.
import 'server-only';
import { and, count, eq, inArray, or } from 'drizzle-orm';
import { getDb, type Tx } from '@/db';
import { apps, appTags, instances, tags, type App, type Tag, type Visibility } from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import { canAssignTag, canEditApp, canSeeApp, type Viewer } from '@/lib/auth/policy';
import { accessSettings } from '@/lib/auth/access-settings';
import { publicMode } from '@/lib/config';
import { AppError, forbidden, notFound, type Problem } from '@/lib/errors';
import { presentInstance } from '@/lib/instances/present';
import { installedManager } from '@/lib/instances/installed';
import { listInstances, retireInstancesOf, type InstanceRecord } from '@/lib/instances/store';
import { withStorageLock } from '@/lib/storage/lock';
import { removeUnreferencedFiles, storedFilesOf } from '@/lib/storage/sweep';
import { visibilityChangeProblem } from './visibility';

export interface AppSettingsPatch {
  visibility?: Visibility;
  /**
   * The complete set of tags the app should carry, by id or by name. Tags the viewer may not assign
   * that the app already carries stay on it whether listed or not; adding one is refused.
   */
  tagIds?: string[];
}

const tagRef = (t: Pick<Tag, 'id' | 'name'>) => ({ id: t.id, name: t.name });

/** The app and its tags, once the viewer is known to be allowed to change it. */
function loadEditable(tx: Tx, viewer: Viewer, appId: string): { app: App; current: Tag[] } {
  const app = tx.select().from(apps).where(eq(apps.id, appId)).get();
  if (!app) throw notFound('No such app.');
  const current = tx
    .select({ tag: tags })
    .from(appTags)
    .innerJoin(tags, eq(tags.id, appTags.tagId))
    .where(eq(appTags.appId, appId))
    .all()
    .map((r) => r.tag);
  if (!canEditApp(viewer, app)) {
    // Someone who cannot even see the app learns nothing about it.
    const facts = { ownerId: app.ownerId, visibility: app.visibility, tagVisitorRoles: current.map((t) => t.visitorRoles) };
    const seen = canSeeApp(viewer, facts, accessSettings());
    throw seen ? forbidden('Only the owner of this app or an administrator may change it.') : notFound('No such app.');
  }
  return { app, current };
}

export function updateAppSettings(viewer: Viewer, appId: string, patch: AppSettingsPatch): App {
  return getDb().transaction(
    (tx) => {
      const { app, current } = loadEditable(tx, viewer, appId);
      const problems: Problem[] = [];

      let visibility = app.visibility;
      if (patch.visibility !== undefined) {
        const refused = visibilityChangeProblem(app.visibility, patch.visibility, publicMode());
        if (refused) problems.push(refused);
        else visibility = patch.visibility;
      }

      let added: Tag[] = [];
      let removed: Tag[] = [];
      if (patch.tagIds !== undefined) {
        const refs = [...new Set(patch.tagIds)];
        const found = refs.length
          ? tx
              .select()
              .from(tags)
              .where(or(inArray(tags.id, refs), inArray(tags.name, refs)))
              .all()
          : [];
        const unknown = refs.filter((r) => !found.some((t) => t.id === r || t.name === r));
        for (const ref of unknown) problems.push({ path: 'tagIds', message: `There is no tag ${ref}.` });
        const wanted = new Set(found.map((t) => t.id));
        const has = new Set(current.map((t) => t.id));
        added = found.filter((t) => !has.has(t.id));
        removed = current.filter((t) => !wanted.has(t.id) && canAssignTag(viewer, t));
        const refused = added.filter((t) => !canAssignTag(viewer, t));
        if (problems.length === 0 && refused.length > 0) {
          throw new AppError(
            'FORBIDDEN',
            `You may not assign ${refused.map((t) => `${t.title} (${t.name})`).join(', ')}.`,
            refused.map((t) => ({ path: 'tagIds', message: `Only holders of ${t.adminRoles.join(', ')} may assign ${t.title}.` })),
          );
        }
      }
      if (problems.length > 0) throw new AppError('INVALID_INPUT', problems.map((p) => p.message).join(' '), problems);

      const details: Record<string, unknown> = { name: app.name, version: app.version, ownerId: app.ownerId };
      if (visibility !== app.visibility) {
        tx.update(apps).set({ visibility }).where(eq(apps.id, appId)).run();
        details.visibility = { from: app.visibility, to: visibility };
      }
      if (removed.length > 0) {
        tx.delete(appTags)
          .where(and(eq(appTags.appId, appId), inArray(appTags.tagId, removed.map((t) => t.id))))
          .run();
        details.tagsRemoved = removed.map(tagRef);
      }
      if (added.length > 0) {
        tx.insert(appTags)
          .values(added.map((t) => ({ appId, tagId: t.id })))
          .run();
        details.tagsAdded = added.map(tagRef);
      }
      if (details.visibility || details.tagsRemoved || details.tagsAdded) {
        writeAudit(tx, { actorId: viewer.id, action: 'app.update', targetType: 'app', targetId: appId, details });
      }
      return tx.select().from(apps).where(eq(apps.id, appId)).get()!;
    },
    { behavior: 'immediate' },
  );
}

/** An instance as a deletion's refusal and result list it: enough to recognise it and open its page. */
export interface InstanceOfVersion {
  id: string;
  status: string;
  owner: string;
  /** Its page on the portal. */
  page: string;
  /** Where the app opens. */
  url: string;
}

const listed = (r: InstanceRecord): InstanceOfVersion => ({
  id: r.id,
  status: r.status,
  owner: r.owner.name,
  page: `/instances/${r.id}`,
  url: presentInstance(r).url,
});

/**
 * Deletes one version: its row, and through the foreign keys its assets and tag assignments. The
 * bundle and image files stay on disk until the storage sweep removes files no row refers to.
 * A version with instances is deleted only when `force` confirms it: otherwise the refusal (409) lists
 * them. They keep running (instances are separate): each keeps a copy of what it needs of the version,
 * its bundle included; no new instance of it can start.
 */
export function deleteAppVersion(
  viewer: Viewer,
  appId: string,
  options: { force?: boolean } = {},
): { id: string; name: string; version: string; instances: InstanceOfVersion[] } {
  return getDb().transaction(
    (tx) => {
      const { app, current } = loadEditable(tx, viewer, appId);
      const running = tx.select({ n: count() }).from(instances).where(eq(instances.appId, appId)).get()!.n;
      if (running > 0 && !options.force) {
        const list = listInstances(viewer, { kind: 'app', appId }).map(listed);
        throw new AppError(
          'CONFLICT',
          `${app.name} ${app.version} has ${running} instance${running === 1 ? '' : 's'}. Deleting it leaves ${running === 1 ? 'it' : 'them'} running (no new ones start); confirm to delete anyway.`,
          [],
          [],
          { instances: list },
        );
      }
      const kept = retireInstancesOf(tx, app, current.map((t) => t.visitorRoles)).map(listed);
      tx.delete(apps).where(eq(apps.id, appId)).run();
      writeAudit(tx, {
        actorId: viewer.id,
        action: 'app.delete',
        targetType: 'app',
        targetId: appId,
        details: {
          name: app.name,
          version: app.version,
          ownerId: app.ownerId,
          visibility: app.visibility,
          tags: current.map(tagRef),
          ...(kept.length > 0 ? { instancesKeptRunning: kept.map((k) => k.id) } : {}),
        },
      });
      return { id: app.id, name: app.name, version: app.version, instances: kept };
    },
    { behavior: 'immediate' },
  );
}

/**
 * Deletes one version and then its bundle and image files, unless another version (or a running instance of it)
 * needs them, and, when no instance of it is left, what the runner prepared for it (RUNNER_DIR/apps/<id>; with
 * instances kept running, that goes when the last of them is terminated).
 */
export async function deleteAppVersionWithFiles(
  viewer: Viewer,
  appId: string,
  options: { force?: boolean } = {},
): Promise<ReturnType<typeof deleteAppVersion>> {
  const files = storedFilesOf(appId);
  const deleted = deleteAppVersion(viewer, appId, options);
  await withStorageLock(() => removeUnreferencedFiles(files));
  await installedManager()?.releaseAppVersion(appId);
  return deleted;
}
