// Tags as administrators shape them: categories, badges and authorization tags (see tagKind), with
// every write checked for an admin and recorded in the audit log in the same transaction.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { asc, count, eq, or } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Queryable } from '@/db';
import { appTags, tags, type Tag } from '@/db/schema';
import { writeAudit } from '@/lib/audit/audit';
import { canAssignTag, canSeeTags, tagKind, type TagKind, type Viewer } from '@/lib/auth/policy';
import { tagChip, type TagChip } from './chip';
import { AppError, forbidden, notFound } from '@/lib/errors';
import { rolesInput } from '@/lib/users/users';
import { HEX_COLOR } from './color';
import { isUniqueViolation } from '@/db/errors';

export const TAG_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

const tagFields = {
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name.')
    .max(64, 'Names have at most 64 characters.')
    .regex(TAG_NAME, 'Names are letters, digits and . _ : -, starting with a letter or digit (as in app.toml Tags).'),
  title: z.string().trim().min(1, 'Enter a title.').max(80, 'Titles have at most 80 characters.'),
  description: z.string().trim().max(1000, 'Descriptions have at most 1000 characters.'),
  color: z
    .string()
    .trim()
    .regex(HEX_COLOR, 'Colours are written #rrggbb, for example #1d4ed8.')
    .transform((c) => c.toLowerCase()),
  isCategory: z.boolean(),
  adminRoles: rolesInput,
  visitorRoles: rolesInput,
};

export const tagInputSchema = z
  .object({
    ...tagFields,
    description: tagFields.description.optional().default(''),
    color: tagFields.color.optional().default('#4b5563'),
    isCategory: tagFields.isCategory.optional().default(false),
    adminRoles: tagFields.adminRoles.optional().default([]),
    visitorRoles: tagFields.visitorRoles.optional().default([]),
  })
  .strict();
export type TagInput = z.infer<typeof tagInputSchema>;

export const tagPatchSchema = z.object(tagFields).partial().strict();
export type TagPatch = z.infer<typeof tagPatchSchema>;

/** A tag as the tag pages and the API show it: with its kind. */
export interface TagView extends Tag {
  kind: TagKind;
}

export function toTagView(tag: Tag): TagView {
  return { ...tag, kind: tagKind(tag) };
}

/** A tag the edit panel offers, and whether this viewer may add or remove it (canAssignTag). */
export interface TagOption extends TagChip {
  assignable: boolean;
  adminRoles: string[];
}

export type TagOptions = Record<TagKind, TagOption[]>;

/** The tags of each kind the edit panel offers; empty for viewers who may not see tags. */
export function tagOptionsFor(viewer: Viewer): TagOptions {
  const out: TagOptions = { category: [], badge: [], authorization: [] };
  if (!canSeeTags(viewer)) return out;
  for (const t of listTags()) out[t.kind].push({ ...tagChip(t), assignable: canAssignTag(viewer, t), adminRoles: t.adminRoles });
  return out;
}

export function listTags(): TagView[] {
  return getDb().select().from(tags).orderBy(asc(tags.title), asc(tags.name)).all().map(toTagView);
}

/** By id, or by name (the CLI and app.toml speak in names). */
export function findTag(ref: string): TagView | null {
  const row = tagRow(getDb(), ref);
  return row ? toTagView(row) : null;
}

function tagRow(db: Queryable, ref: string): Tag | undefined {
  return db
    .select()
    .from(tags)
    .where(or(eq(tags.id, ref), eq(tags.name, ref)))
    .get();
}

/** How many apps carry each tag, by tag id. */
export function tagUsage(): Map<string, number> {
  const rows = getDb().select({ tagId: appTags.tagId, n: count() }).from(appTags).groupBy(appTags.tagId).all();
  return new Map(rows.map((r) => [r.tagId, r.n]));
}

function requireAdmin(actor: Viewer): void {
  if (!actor.isAdmin) throw forbidden('Only administrators may manage tags.');
}

function nameTaken(name: string): AppError {
  return new AppError('CONFLICT', `A tag named ${name} already exists.`, [
    { path: 'name', message: 'This name is already used by another tag.' },
  ]);
}

export function createTag(actor: Viewer, input: TagInput): TagView {
  requireAdmin(actor);
  const db = getDb();
  const id = randomUUID();
  try {
    db.transaction(
      (tx) => {
        tx.insert(tags).values({ id, ...input }).run();
        writeAudit(tx, { actorId: actor.id, action: 'tag.create', targetType: 'tag', targetId: id, details: { ...input } });
      },
      { behavior: 'immediate' },
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.name);
    throw e;
  }
  return findTag(id)!;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function updateTag(actor: Viewer, ref: string, patch: TagPatch): TagView {
  requireAdmin(actor);
  const db = getDb();
  let id = '';
  try {
    db.transaction(
      (tx) => {
        const existing = tagRow(tx, ref);
        if (!existing) throw notFound('No such tag.');
        id = existing.id;
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const [key, value] of Object.entries(patch) as [keyof TagPatch, unknown][]) {
          if (value !== undefined && !sameValue(existing[key], value)) changes[key] = { from: existing[key], to: value };
        }
        if (Object.keys(changes).length === 0) return;
        tx.update(tags).set(patch).where(eq(tags.id, id)).run();
        writeAudit(tx, {
          actorId: actor.id,
          action: 'tag.update',
          targetType: 'tag',
          targetId: id,
          details: { name: patch.name ?? existing.name, changes },
        });
      },
      { behavior: 'immediate' },
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(patch.name ?? '');
    throw e;
  }
  return findTag(id)!;
}

/** Deletes the tag; the foreign key removes it from every app that carried it. */
export function deleteTag(actor: Viewer, ref: string): { id: string; name: string; removedFromApps: number } {
  requireAdmin(actor);
  return getDb().transaction(
    (tx) => {
      const existing = tagRow(tx, ref);
      if (!existing) throw notFound('No such tag.');
      const removedFromApps = tx.select({ n: count() }).from(appTags).where(eq(appTags.tagId, existing.id)).get()?.n ?? 0;
      tx.delete(tags).where(eq(tags.id, existing.id)).run();
      const { id, createdAt: _c, ...fields } = existing;
      writeAudit(tx, {
        actorId: actor.id,
        action: 'tag.delete',
        targetType: 'tag',
        targetId: id,
        details: { ...fields, removedFromApps },
      });
      return { id, name: existing.name, removedFromApps };
    },
    { behavior: 'immediate' },
  );
}
