// The visibility rule of lib/auth/policy.ts as a SQL condition on `apps`, so that lists, counts and
// search never load an app the viewer may not see. Kept beside the policy; both are tested together.
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { apps } from '@/db/schema';
import type { AccessSettings, Viewer } from './policy';

export function visibleAppsWhere(viewer: Viewer | null, settings: AccessSettings): SQL {
  const anyOf: SQL[] = [];
  if (settings.publicMode) anyOf.push(eq(apps.visibility, 'PUBLIC'));
  if (viewer) {
    if (viewer.isAdmin) return sql`1 = 1`;
    anyOf.push(eq(apps.ownerId, viewer.id));
    const shared = inArray(apps.visibility, ['ALL_USERS', 'PUBLIC']);
    if (viewer.fullAccess) {
      anyOf.push(shared);
    } else if (viewer.roles.length > 0) {
      const roles = sql.join(
        viewer.roles.map((r) => sql`${r}`),
        sql`, `,
      );
      // The tags exposing apps to this visitor are found once (an uncorrelated subquery SQLite
      // materializes); each app's own few tags are then walked by primary-key prefix and checked against
      // them (`+` keeps SQLite from a lookup per exposing tag instead: a visitor's catalog index is built
      // a quarter faster; lib/catalog/query-plan.test.ts).
      anyOf.push(
        and(
          shared,
          sql`exists (select 1 from app_tags at
                     where at.app_id = ${apps.id}
                       and +at.tag_id in (select t.id from tags t, json_each(t.visitor_roles) r where r.value in (${roles})))`,
        )!,
      );
    }
  }
  return anyOf.length > 0 ? or(...anyOf)! : sql`0 = 1`;
}
