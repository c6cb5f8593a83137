import { getDb } from '@/db';

export const dynamic = 'force-dynamic';

/** Liveness and readiness: answers 200 once the database is open and migrated. */
export function GET() {
  getDb().$client.prepare('select 1').get();
  return Response.json({ ok: true });
}
