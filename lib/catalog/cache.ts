// A small in-process cache for catalog query results. Entries are stamped with
// catalog_state.generation, which triggers bump on every write to apps, app_tags or tags (from any
// process), so a cached page is served only while nothing it depends on has changed.
import 'server-only';
import type Database from 'better-sqlite3';
import { getDb, perConnection } from '@/db';
import { config } from '@/lib/config';

const MAX_ENTRIES = 500;
const entries = new Map<string, { generation: number; value: unknown }>();
const generationQuery = perConnection(({ $client }) => $client.prepare<[], { generation: number }>('SELECT generation FROM catalog_state WHERE id = 1'));

/** Set CATALOG_CACHE=off to measure or debug the queries themselves. */
const enabled = () => config().catalogCache;

let lastClient: Database.Database | null = null;

export function catalogGeneration(): number {
  const client = getDb().$client;
  if (client !== lastClient) {
    entries.clear(); // another database (tests switch DATA_DIR): generations are not comparable
    lastClient = client;
  }
  return generationQuery().get()?.generation ?? 0;
}

/** `compute()`'s result for `key`, reused until the catalog changes. Keys must include everything the result depends on. */
export function cachedCatalog<T>(key: string, compute: () => T): T {
  if (!enabled()) return compute();
  const generation = catalogGeneration();
  const hit = entries.get(key);
  if (hit && hit.generation === generation) {
    entries.delete(key);
    entries.set(key, hit); // most recently used last
    return hit.value as T;
  }
  const value = compute();
  entries.set(key, { generation, value });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return value;
}

export function clearCatalogCache(): void {
  entries.clear();
}
