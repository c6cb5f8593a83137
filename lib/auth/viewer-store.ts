// Reads the signed-in user afresh from the database: roles, admin and disabled flags are never
// taken from a cookie or token, so a change takes effect on the next request; a session counts only while
// its session version is the user's current one (lib/auth/revocation.ts).
import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { perConnection } from '@/db';
import { users, type User } from '@/db/schema';
import { fullAccessRole } from '@/lib/config';
import { touchLastSeen } from '@/lib/users/users';
import { hasFullAccess, type Viewer } from './policy';
import type { SessionClaim } from './session-claim';

/** Every request reads its user: the statement is prepared once per connection, not built and compiled each time. */
const userById = perConnection((db) => db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare());

/** The user if it exists and is not disabled. */
export function loadActiveUser(id: string): User | null {
  const user = userById().get({ id });
  return user && !user.disabled ? user : null;
}

export function toViewer(user: User): Viewer {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isAdmin: user.isAdmin,
    roles: user.roles,
    fullAccess: hasFullAccess(user, fullAccessRole()),
  };
}

/** The one way a request's user becomes its viewer (session or token alike): active users only, last-seen kept. */
export function viewerFromUser(user: User): Viewer | null {
  if (user.disabled) return null;
  touchLastSeen(user);
  return toViewer(user);
}

/** The viewer of a session (portal or app-host cookie): null once the user's sessions were revoked. */
export function viewerFromSession(claim: SessionClaim | null): Viewer | null {
  if (!claim) return null;
  const user = loadActiveUser(claim.userId);
  return user && user.sessionVersion === claim.version ? viewerFromUser(user) : null;
}
