// The first-run checklist administrators see on an empty catalog: what a new portal still lacks.
import 'server-only';
import { count, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { tags, users } from '@/db/schema';
import { isAdmin, type Viewer } from '@/lib/auth/policy';
import { fullAccessRole } from '@/lib/config';

export interface SetupChecklist {
  /** Category tags that exist (the catalog's filters). */
  categories: number;
  /** Accounts other than the viewer's own, disabled ones left out. */
  otherUsers: number;
  /** FULL_ACCESS_ROLE, or null when unset (everyone who signs in has full access; no visitors). */
  fullAccessRole: string | null;
}

/** Null for anyone but an administrator. */
export function setupChecklist(viewer: Viewer | null): SetupChecklist | null {
  if (!viewer || !isAdmin(viewer)) return null;
  const db = getDb();
  const [{ categories }] = db.select({ categories: count() }).from(tags).where(eq(tags.isCategory, true)).all();
  const [{ active }] = db.select({ active: count() }).from(users).where(eq(users.disabled, false)).all();
  const role = fullAccessRole();
  return { categories, otherUsers: Math.max(0, active - 1), fullAccessRole: role === '' ? null : role };
}
