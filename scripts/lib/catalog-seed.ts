// The seeded catalog the catalog benchmarks run on: NAMES apps (3 versions each, one in ten PRIVATE),
// 50 tags of which 12 are categories, deterministic so every run measures the same catalog; and the
// sign-in of the full-access user the benchmarks browse as.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrateDb } from '../../db/migrate';
import { versionKey } from '../../lib/catalog/version-order';
import { sessionCookie } from './server';

/** APPS=100000 seeds a catalog ten times larger, for the scale figures. */
export const NAMES = Number(process.env.APPS ?? 10_000);
export const VERSIONS_PER_NAME = 3;
export const TAGS = 50;
export const CATEGORIES = 12;
export const COMMON_WORD = 'forecast';
export const USER = { email: 'bench-user@bench.test', password: 'bench-user-password-1' };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export const VOCABULARY = (
  'model data analysis vision language churn fraud credit risk score pipeline dashboard explore predict time series ' +
  'anomaly detection document image text speech audio chat agent retrieval search rank recommend cluster segment ' +
  'classify regression survival insurance retail energy health supply chain demand inventory pricing marketing ' +
  'customer employee finance ledger audit quality sensor maintenance weather satellite geospatial graph network'
).split(' ');

/** Deterministic pseudo-random numbers, so every run seeds the same catalog and sends the same requests. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}


export async function seed(dataDir: string): Promise<{ categoryName: string; detailsName: string }> {
  const started = Date.now();
  // As an import stores it (lib/apps/import.ts), each version's LongDescription compiled. Loaded here, not with
  // this module: query-cost.ts loads it under the react-server condition, where react-markdown cannot load.
  const { storedForm } = await import('../../lib/catalog/markdown');
  const sqlite = new Database(path.join(dataDir, 'appstore.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  migrateDb(drizzle(sqlite));
  const random = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(VOCABULARY)).join(' ');

  // Each Name has its own icon file (the PNG with the Name after its end, which viewers ignore) and each
  // version its own bundle hash, as in a real catalog (the bundle files themselves are not written).
  const iconOf = (name: string) => {
    const bytes = Buffer.concat([PNG, Buffer.from(name)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    fs.mkdirSync(path.join(dataDir, 'assets', sha.slice(0, 2)), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'assets', sha.slice(0, 2), sha), bytes);
    return { sha, size: bytes.length };
  };

  const insertUser = sqlite.prepare('INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, ?)');
  const insertName = sqlite.prepare('INSERT INTO app_names (name, owner_id) VALUES (?, ?)');
  const insertTag = sqlite.prepare('INSERT INTO tags (id, name, title, color, is_category) VALUES (?, ?, ?, ?, ?)');
  const insertApp = sqlite.prepare(`INSERT INTO apps (id, name, version, version_key, owner_id, visibility, kind, title, description,
    long_description, instance_lifecycle, runtime_version, runtime, env, files, link_address, bundle_sha256, bundle_size, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', ?, ?, ?, ?)`);
  const insertAppTag = sqlite.prepare('INSERT INTO app_tags (app_id, tag_id) VALUES (?, ?)');
  const insertAsset = sqlite.prepare("INSERT INTO app_assets (app_id, kind, position, sha256, content_type, size) VALUES (?, ?, ?, ?, 'image/png', ?)");
  const insertCompiled = sqlite.prepare('INSERT INTO app_long_descriptions (app_id, source_sha256, pipeline, compiled) VALUES (?, ?, ?, ?)');
  const runtime = JSON.stringify({
    module: 'app.main', runtimeVersion: 'deb11_py310_wlatest', volumeMount: null, volumeSize: null, resourceVolumeSize: null,
    memoryLimit: '2Gi', memoryReservation: '512Mi', cpuLimit: '2', cpuReservation: '500m', gpuCount: 0, gpuType: null,
    enableOIDC: false, enableSHM: false, routingMode: 'DOMAIN', appMode: 'wave', port: null, customImage: null, appArgs: [], appEntryPoint: [],
  });

  let categoryName = '';
  let detailsName = '';
  sqlite.transaction(() => {
    const owners = Array.from({ length: 20 }, (_, i) => {
      const id = randomUUID();
      insertUser.run(id, `owner${i}@bench.test`, `Owner ${i}`, null);
      return id;
    });
    insertUser.run(randomUUID(), USER.email, 'Bench user', bcrypt.hashSync(USER.password, 10));
    const tagIds = Array.from({ length: TAGS }, (_, i) => {
      const id = randomUUID();
      const isCategory = i < CATEGORIES;
      const name = isCategory ? `category-${VOCABULARY[i]}` : `badge-${i}`;
      if (i === 0) categoryName = name; // SEEDED.categoryName
      insertTag.run(id, name, isCategory ? `${VOCABULARY[i][0].toUpperCase()}${VOCABULARY[i].slice(1)}` : `Badge ${i}`, '#1d4ed8', isCategory ? 1 : 0);
      return id;
    });
    const now = Date.now();
    for (let n = 0; n < NAMES; n++) {
      const name = `ai.bench.app${String(n).padStart(5, '0')}`;
      if (n === 1234) detailsName = name; // SEEDED.detailsName
      const owner = pick(owners);
      insertName.run(name, owner);
      const appTagIds = [...new Set([pick(tagIds.slice(0, CATEGORIES)), pick(tagIds), pick(tagIds)])];
      const icon = iconOf(name);
      for (let v = 0; v < VERSIONS_PER_NAME; v++) {
        const version = v === 1 ? `1.${v}.0-rc.1` : `1.${v}.0`;
        const r = random();
        const visibility = r < 0.1 ? 'PRIVATE' : 'ALL_USERS';
        const id = randomUUID();
        const title = `${words(2)} ${n}`.replace(/^./, (c) => c.toUpperCase());
        // About one app in four mentions the common word in its long description.
        const long = `### Features\n\n* ${words(12)}\n* ${words(12)}\n\n${words(40)}${random() < 0.25 ? ` ${COMMON_WORD}` : ''}\n`;
        insertApp.run(id, name, version, versionKey(version), owner, visibility, 'wave', title, words(10), long, 'ON_DEMAND',
          'deb11_py310_wlatest', runtime, null, createHash('sha256').update(id).digest('hex'), 1000, now - (NAMES - n) * 60_000 - v * 1000);
        for (const tagId of appTagIds) insertAppTag.run(id, tagId);
        insertAsset.run(id, 'icon', 0, icon.sha, icon.size);
        const form = storedForm(long);
        insertCompiled.run(id, form.sourceSha256, form.pipeline, form.compiled);
      }
    }
    // Tags given on import are part of it, not a later change: "Recently updated" follows the import times.
    sqlite.prepare('UPDATE apps SET listed_at = NULL').run();
  })();
  const counts = sqlite.prepare("SELECT (SELECT count(*) FROM apps) AS apps, (SELECT count(DISTINCT name) FROM apps) AS names, (SELECT count(*) FROM tags) AS tags").get();
  sqlite.close();
  console.log(`Seeded ${JSON.stringify(counts)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { categoryName, detailsName };
}

/** The benchmarks' full-access user's session cookie. */
export function signIn(url: string): Promise<string> {
  return sessionCookie(url, USER);
}
