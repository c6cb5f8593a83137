// The owner's and the administrator's view of apps: every version grouped by Name, with its tags,
// and the tags a viewer may choose from in the edit panel. Plain objects, ready to render.
import 'server-only';
import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { getDb } from '@/db';
import { apps, appTags, tags, users, type Visibility } from '@/db/schema';
import { canAssignTag, canSeeTags, type TagKind, type Viewer } from '@/lib/auth/policy';
import { forbidden } from '@/lib/errors';
import { listTags, toTagView } from '@/lib/tags/tags';
import { formatUtc } from '@/lib/format';

export interface TagChipData {
  id: string;
  name: string;
  title: string;
  color: string;
  textColor: string;
  kind: TagKind;
}

export interface OwnerData {
  id: string;
  name: string;
  email: string;
}

export interface AppVersionRow {
  id: string;
  name: string;
  version: string;
  title: string;
  visibility: Visibility;
  /** `YYYY-MM-DD HH:MM UTC`, formatted here so server and browser render the same text. */
  importedAt: string;
  owner: OwnerData;
  /** Empty for viewers who may not see tags. */
  tags: TagChipData[];
}

export interface AppGroup {
  name: string;
  versions: AppVersionRow[];
}


const chip = (t: typeof tags.$inferSelect): TagChipData => {
  const v = toTagView(t);
  return { id: v.id, name: v.name, title: v.title, color: v.color, textColor: v.textColor, kind: v.kind };
};

function loadGroups(viewer: Viewer, where: SQL | undefined): AppGroup[] {
  const db = getDb();
  const rows = db
    .select({
      id: apps.id,
      name: apps.name,
      version: apps.version,
      title: apps.title,
      visibility: apps.visibility,
      importedAt: apps.importedAt,
      ownerId: users.id,
      ownerName: users.name,
      ownerEmail: users.email,
    })
    .from(apps)
    .innerJoin(users, eq(users.id, apps.ownerId))
    .where(where)
    .orderBy(asc(apps.name), desc(apps.versionKey))
    .all();
  const tagRows =
    rows.length && canSeeTags(viewer)
      ? db
          .select({ appId: appTags.appId, tag: tags })
          .from(appTags)
          .innerJoin(tags, eq(tags.id, appTags.tagId))
          .where(inArray(appTags.appId, rows.map((r) => r.id)))
          .orderBy(asc(tags.title))
          .all()
      : [];
  const groups: AppGroup[] = [];
  for (const r of rows) {
    const version: AppVersionRow = {
      id: r.id,
      name: r.name,
      version: r.version,
      title: r.title,
      visibility: r.visibility,
      importedAt: formatUtc(r.importedAt),
      owner: { id: r.ownerId, name: r.ownerName, email: r.ownerEmail },
      tags: tagRows.filter((t) => t.appId === r.id).map((t) => chip(t.tag)),
    };
    const last = groups.at(-1);
    if (last?.name === r.name) last.versions.push(version);
    else groups.push({ name: r.name, versions: [version] });
  }
  return groups;
}

/** My Apps: the viewer's own versions. */
export function listMyApps(viewer: Viewer): AppGroup[] {
  return loadGroups(viewer, eq(apps.ownerId, viewer.id));
}

export interface AdminAppFilters {
  ownerId?: string;
  visibility?: Visibility;
}

/** Every app of every user, for administrators only. */
export function listAllApps(viewer: Viewer, filters: AdminAppFilters = {}): AppGroup[] {
  if (!viewer.isAdmin) throw forbidden('Only administrators may list every app.');
  const where: SQL[] = [];
  if (filters.ownerId) where.push(eq(apps.ownerId, filters.ownerId));
  if (filters.visibility) where.push(eq(apps.visibility, filters.visibility));
  return loadGroups(viewer, where.length ? and(...where) : undefined);
}

/** Users who own at least one app version, for the owner filter. */
export function listAppOwners(viewer: Viewer): OwnerData[] {
  if (!viewer.isAdmin) throw forbidden('Only administrators may list app owners.');
  return getDb()
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .innerJoin(apps, eq(apps.ownerId, users.id))
    .orderBy(asc(users.email))
    .all();
}

export interface TagOption extends TagChipData {
  description: string;
  /** Whether this viewer may add or remove it (canAssignTag). */
  assignable: boolean;
  adminRoles: string[];
}

export type TagOptions = Record<TagKind, TagOption[]>;

/** The tags of each kind the edit panel offers; empty for viewers who may not see tags. */
export function tagOptionsFor(viewer: Viewer): TagOptions {
  const out: TagOptions = { category: [], badge: [], authorization: [] };
  if (!canSeeTags(viewer)) return out;
  for (const t of listTags()) {
    out[t.kind].push({
      id: t.id,
      name: t.name,
      title: t.title,
      color: t.color,
      textColor: t.textColor,
      kind: t.kind,
      description: t.description,
      assignable: canAssignTag(viewer, t),
      adminRoles: t.adminRoles,
    });
  }
  return out;
}
