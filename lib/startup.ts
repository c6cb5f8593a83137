// Work done once when the server starts: open and migrate the database, ensure an admin exists.
import 'server-only';
import { getDb } from '@/db';
import { ensureFirstAdmin } from '@/lib/auth/bootstrap';

export async function startUp(): Promise<void> {
  getDb();
  await ensureFirstAdmin();
}
