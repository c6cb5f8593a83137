// First run: make sure somebody can sign in. ADMIN_EMAIL/ADMIN_PASSWORD create (or reset) that admin;
// an empty database without them gets an admin with a random password, printed once.
import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { config } from '@/lib/config';
import { hashPassword, verifyPassword } from './password';
import { revokeSessions, revokeTokens } from './revocation';

export async function ensureFirstAdmin(log: (line: string) => void = console.log): Promise<void> {
  const db = getDb();
  const { admin, adminEmail: email } = config();
  if (admin) {
    const { email, password } = admin;
    const existing = db.select().from(users).where(eq(users.email, email)).get();
    if (existing) {
      // Same password as before: nothing changes, so the administrator's sessions survive a restart.
      if (existing.isAdmin && !existing.disabled && (await verifyPassword(password, existing.passwordHash))) return;
      const passwordHash = await hashPassword(password);
      db.transaction(
        (tx) => {
          tx.update(users).set({ passwordHash, isAdmin: true, disabled: false }).where(eq(users.id, existing.id)).run();
          // A reset password ends every session and API token of the account, as an administrator's reset does.
          revokeSessions(tx, existing.id);
          revokeTokens(tx, existing.id);
        },
        { behavior: 'immediate' },
      );
    } else {
      const passwordHash = await hashPassword(password);
      db.insert(users).values({ id: randomUUID(), email, name: 'Administrator', passwordHash, isAdmin: true }).run();
      log(`Created administrator ${email} from ADMIN_EMAIL/ADMIN_PASSWORD.`);
    }
    return;
  }
  const [{ n }] = db.select({ n: count() }).from(users).all();
  if (n > 0) return;
  const generated = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(generated);
  const adminEmail = email || 'admin@localhost';
  db.insert(users)
    .values({ id: randomUUID(), email: adminEmail, name: 'Administrator', passwordHash, isAdmin: true })
    .onConflictDoNothing()
    .run();
  log(
    [
      '',
      '================ App Store: first start ================',
      `  Sign in as ${adminEmail} with password: ${generated}`,
      '  (shown once; change it on /admin/users, or set ADMIN_EMAIL',
      '   and ADMIN_PASSWORD to choose your own)',
      '========================================================',
      '',
    ].join('\n'),
  );
}
