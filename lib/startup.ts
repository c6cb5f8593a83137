// Work done once when the server starts. Before the first request (instrumentation.ts runs startServing,
// and Next waits for it): check the configuration, open and migrate the database, ensure an admin exists,
// drop abandoned uploads, install the instance manager (bringing back instances that ran). After it, in the
// background, so that a restart answers at once: SQLite's quick check (seconds on a large database), then
// the sweep of files no row points to (only when the database is sound: a damaged table hides the rows that
// need its files), the storage check's schedule, and the search's warm-up. /api/health says when that part is
// done.
import 'server-only';
import { getDb } from '@/db';
import { MigrationError } from '@/db/migrate';
import { loadConfig, stagedUploadTtlMs } from '@/lib/config';
import { ensureFirstAdmin } from '@/lib/auth/bootstrap';
import { authSecret } from '@/lib/auth/secret';
import { installedManager } from '@/lib/instances/installed';
import { sweepExpiredStaging, sweepOrphanFiles } from '@/lib/storage/sweep';
import { assertNotRenderWorker } from './render/role';
import { setStartUpPhase } from './startup-phase';

/** The whole start-up, background part included (tests, scripts). */
export async function startUp(): Promise<void> {
  await prepareToServe();
  await afterStart();
}

/** What the server runs: the start-up's first part, then the rest in the background. */
export async function startServing(): Promise<void> {
  await prepareToServe();
  setStartUpPhase('running');
  setImmediate(() => void afterStart().finally(() => setStartUpPhase('done')));
}

async function prepareToServe(): Promise<void> {
  assertNotRenderWorker('runs the start-up jobs');
  loadConfig(); // a bad value stops here, naming the variable
  authSecret(); // a missing key file is created now, not at the first sign-in
  try {
    getDb(); // opens and migrates (backing the database up first when a migration is pending)
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    console.error(`The App Store cannot start: ${error.message}`);
    process.exit(1);
  }
  await ensureFirstAdmin();
  (await import('@/lib/runtimes/catalog')).seedRuntimeVersions();
  // Nothing is in flight yet: every staged upload is a leftover.
  const { removed } = await sweepExpiredStaging(0);
  if (removed > 0) console.log(`Removed ${removed} leftover staged upload file(s).`);
  (await import('@/lib/backup/backup')).removeStaleBackupStaging();
  const [{ LocalRunner }, { InstanceManager }, { installInstances }] = await Promise.all([
    import('@/lib/runner/local-runner'),
    import('@/lib/instances/manager'),
    import('@/lib/instances/gateway'),
  ]);
  const manager = new InstanceManager(new LocalRunner());
  installInstances(manager);
  // Browsers' icon and screenshot requests are answered before Next from now on (lib/router/asset-router.ts).
  (await import('@/lib/apps/asset-gateway')).installAssetGateway();
  manager.recover();
  startStagingSweep();
}

/** The background half of the start-up; it never stops the server. */
export async function afterStart(log: Pick<Console, 'log' | 'error'> = console): Promise<void> {
  try {
    await sweepOrphansIfSound(log);
  } catch (error) {
    log.error('The start-up sweep of unreferenced files failed:', error);
  }
  (await import('@/lib/backup/fsck')).scheduleFsck(7 * 24 * 3600_000);
  // Last, the cards' words (a slice between requests) and the full-access audience's indexes, so that the first
  // search does not tokenize every card (lib/catalog/search-warm-up.ts): /api/health says `done` once it need not.
  await (await import('@/lib/catalog/search-warm-up')).warmSearchInBackground(log);
}

/**
 * Removes bundles and images no row references (leftovers of a crash between placing a file and committing
 * its row, of refused imports, of deleted versions), and what the runner prepared for app versions that are gone
 * (RUNNER_DIR/apps/<id>: deleted while the portal was down, or a removal that failed) with the Python environments
 * no version or instance uses any more (RUNNER_DIR/venvs) and leftovers of interrupted builds, unless SQLite's quick check
 * finds the database damaged.
 */
export async function sweepOrphansIfSound(log: Pick<Console, 'log' | 'error'> = console): Promise<{ removed: number } | null> {
  const { integrityProblemsOffThread } = await import('@/lib/backup/fsck');
  const problems = await integrityProblemsOffThread(getDb().$client.name, 'quick_check');
  if (problems.length > 0) {
    log.error(
      `The database is damaged (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}): unreferenced files were NOT removed at start-up. Run \`appstore admin fsck\`, and restore the database from a backup (README, Operating).`,
    );
    return null;
  }
  const swept = await sweepOrphanFiles();
  if (swept.removed > 0) log.log(`Removed ${swept.removed} leftover file(s) from DATA_DIR.`);
  const { appVersions, environments } = (await installedManager()?.sweepAppVersions()) ?? { appVersions: 0, environments: 0 };
  if (appVersions > 0) log.log(`Removed the prepared files of ${appVersions} deleted app version(s) from RUNNER_DIR/apps.`);
  if (environments > 0) log.log(`Removed ${environments} Python environment(s) no app version uses from RUNNER_DIR/venvs.`);
  return { removed: swept.removed + appVersions + environments };
}

/** While the server runs, staged uploads whose import never came expire after STAGED_UPLOAD_TTL. */
function startStagingSweep(): void {
  const ttl = stagedUploadTtlMs();
  const timer = setInterval(
    () => {
      sweepExpiredStaging(ttl)
        .then(({ removed }) => removed > 0 && console.log(`Removed ${removed} expired staged upload file(s).`))
        .catch((error) => console.error('The sweep of staged uploads failed:', error));
    },
    Math.min(Math.max(ttl / 3, 1000), 5 * 60_000),
  );
  timer.unref();
}
