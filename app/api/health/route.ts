import { getDb } from '@/db';
import { renderWorkersStatus } from '@/lib/render/role';
import { startUpPhase } from '@/lib/startup-phase';

export const dynamic = 'force-dynamic';

/**
 * Liveness and readiness: answers 200 once the database is open and migrated. `startUp` is 'running' while
 * the start-up's background part (the database's quick check and the sweep of unreferenced files) runs.
 * `renderWorkers` (when RENDER_WORKERS started some): how many are wanted and how many answer now.
 */
export function GET() {
  getDb().$client.prepare('select 1').get();
  const workers = renderWorkersStatus();
  return Response.json({ ok: true, startUp: startUpPhase() ?? 'done', ...(workers && { renderWorkers: workers }) });
}
