// Child process for the import tests that need a second process: imports one bundle file for one viewer
// into DATA_DIR (from the environment), through the public importStagedBundle.
//   crash <viewer-json> <bundle>  dies (SIGKILL) at the exact moment the import's transaction inserts the app
//                                 row: its files are placed, its rows not committed, as in a power cut.
//   race  <viewer-json> <bundle>  stages the bundle, prints `ready <sha256>`, waits for `go` on stdin, imports,
//                                 and prints `result <json>`.
import fs from 'node:fs';
import { getDb } from '@/db';
import { importStagedBundle } from '@/lib/apps/import';
import type { Viewer } from '@/lib/auth/policy';
import { AppError } from '@/lib/errors';
import { defaultRuntimeVersion } from '@/lib/runtimes/catalog';
import { stageStream } from '@/lib/storage/staging';

const [mode, viewerJson, bundle] = process.argv.slice(2);
const viewer = JSON.parse(viewerJson) as Viewer;
const sqlite = getDb().$client;

if (mode === 'crash') {
  // A TEMP trigger lives on this connection only: the crash happens in this process and nowhere else.
  sqlite.function('crash_now', () => {
    process.kill(process.pid, 'SIGKILL');
    return null;
  });
  sqlite.exec('CREATE TEMP TRIGGER crash_on_insert BEFORE INSERT ON main.apps BEGIN SELECT crash_now(); END;');
}

const staged = await stageStream(fs.createReadStream(bundle), 100 * 1024 * 1024);
if (mode === 'race') {
  defaultRuntimeVersion(); // the once-per-process runtime seeding writes: done before the parent holds the lock
  sqlite.pragma('busy_timeout = 60000'); // wait for the parent's lock however busy the machine is
  console.log(`ready ${staged.sha256}`);
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
}
try {
  const { app } = await importStagedBundle(viewer, staged);
  console.log(`result ${JSON.stringify({ ok: true, id: app.id, version: app.version })}`);
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.log(`result ${JSON.stringify({ ok: false, code: error.code, message: error.message })}`);
}
process.stdin.destroy();
