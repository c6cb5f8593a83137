// Work done once when the server starts: check the configuration, open and migrate the database, ensure an
// admin exists, sweep files no row points to, start the instance manager (bringing back instances that ran).
import 'server-only';
import { getDb } from '@/db';
import { MigrationError } from '@/db/migrate';
import { loadConfig, stagedUploadTtlMs } from '@/lib/config';
import { ensureFirstAdmin } from '@/lib/auth/bootstrap';
import { authSecret } from '@/lib/auth/secret';
import { sweepExpiredStaging, sweepOrphanFiles } from '@/lib/storage/sweep';

export async function startUp(): Promise<void> {
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
  // Nothing is in flight yet: every staged upload and unreferenced file is a leftover.
  const { removed } = await sweepOrphanFiles({ stagingMaxAgeMs: 0 });
  if (removed > 0) console.log(`Removed ${removed} leftover file(s) from DATA_DIR.`);
  (await import('@/lib/backup/backup')).removeStaleBackupStaging();
  (await import('@/lib/backup/fsck')).scheduleFsck(7 * 24 * 3600_000);
  const [{ LocalRunner }, { InstanceManager }, { installInstances }] = await Promise.all([
    import('@/lib/runner/local-runner'),
    import('@/lib/instances/manager'),
    import('@/lib/instances/gateway'),
  ]);
  const manager = new InstanceManager(new LocalRunner());
  installInstances(manager);
  manager.recover();
  startStagingSweep();
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
