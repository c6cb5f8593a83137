// Test helper: catalog_heads.tag_ids (each head's tag ids, kept by the triggers of migration 0013) read back,
// and compared with the app_tags rows they copy.
import { getDb } from '@/db';

export interface HeadTags {
  audience: string;
  name: string;
  appId: string;
  /** Sorted. */
  tagIds: string[];
}

/** Every head with its stored tag ids. */
export function storedHeadTags(): HeadTags[] {
  const rows = getDb()
    .$client.prepare('SELECT audience, name, app_id AS appId, tag_ids AS tagIds FROM catalog_heads ORDER BY audience, name')
    .all() as { audience: string; name: string; appId: string; tagIds: string }[];
  return rows.map((r) => ({ ...r, tagIds: (JSON.parse(r.tagIds) as string[]).sort() }));
}

/** The heads whose stored tag ids are not their version's app_tags rows: none while the triggers keep them. */
export function staleHeadTags(): (HeadTags & { actual: string[] })[] {
  const actual = getDb().$client.prepare('SELECT tag_id FROM app_tags WHERE app_id = ?').pluck();
  return storedHeadTags()
    .map((head) => ({ ...head, actual: (actual.all(head.appId) as string[]).sort() }))
    .filter((head) => JSON.stringify(head.tagIds) !== JSON.stringify(head.actual));
}
