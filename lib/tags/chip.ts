// The one presentation shape of a tag on an app (pages, panel options, catalog cards, the API).
import type { Tag } from '@/db/schema';
import { tagKind, type TagKind } from '@/lib/auth/policy';

export interface TagChip {
  id: string;
  name: string;
  title: string;
  color: string;
  description: string;
  kind: TagKind;
}

export const tagChip = (t: Pick<Tag, 'id' | 'name' | 'title' | 'color' | 'description' | 'isCategory' | 'visitorRoles'>): TagChip => ({
  id: t.id,
  name: t.name,
  title: t.title,
  color: t.color,
  description: t.description,
  kind: tagKind(t),
});
