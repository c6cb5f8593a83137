// The visibility rule of lib/auth/policy.ts as a SQL condition on `apps`, so that lists, counts and
// search never load an app the viewer may not see. Kept beside the policy; both are tested together.
import { and, eq, inArray, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { apps } from '@/db/schema';
import type { AccessSettings, Viewer } from './policy';

/** How a viewer's value enters the condition: bound in place, or as a named placeholder of a prepared statement. */
type Bind = (name: string, value: string) => SQL | Placeholder;

function visibilityCondition(viewer: Viewer | null, settings: AccessSettings, bind: Bind): SQL {
  const anyOf: SQL[] = [];
  if (settings.publicMode) anyOf.push(eq(apps.visibility, 'PUBLIC'));
  if (viewer) {
    if (viewer.isAdmin) return sql`1 = 1`;
    anyOf.push(eq(apps.ownerId, bind('viewer', viewer.id)));
    const shared = inArray(apps.visibility, ['ALL_USERS', 'PUBLIC']);
    if (viewer.fullAccess) {
      anyOf.push(shared);
    } else if (viewer.roles.length > 0) {
      const roles = sql.join(
        viewer.roles.map((r, i) => sql`${bind(`role${i}`, r)}`),
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

export function visibleAppsWhere(viewer: Viewer | null, settings: AccessSettings): SQL {
  return visibilityCondition(viewer, settings, (_, value) => sql`${value}`);
}

/**
 * Which shared versions (ALL_USERS, PUBLIC) the catalog's full-access audience sees: all of them. Admins and
 * full-access viewers share one set of cards (lib/catalog/head-index.ts, audience `full`), and what
 * visibleAppsWhere gives any of them reduces to this over shared versions (their own apps and PUBLIC ones are
 * shared versions too). For the start-up's warm-up (lib/catalog/search-warm-up.ts), which builds that audience's
 * index before any of them asks; search-warm-up.test.ts checks that it is the index their own condition builds.
 */
export function fullAccessSharedWhere(): SQL {
  return inArray(apps.visibility, ['ALL_USERS', 'PUBLIC']);
}

/**
 * The same condition for statements prepared once and run for many viewers (lib/apps/read.ts): `where` holds
 * named placeholders that `values` fills for this viewer, and `shape` names what the SQL text depends on
 * (public mode, the kind of viewer, the number of roles), so a statement prepared for one viewer is run only
 * for viewers of the same shape. Nothing is decided from the shape alone: every run binds this viewer's values.
 */
export function preparedVisibility(viewer: Viewer | null, settings: AccessSettings): { shape: string; where: SQL; values: Record<string, string> } {
  const values: Record<string, string> = {};
  const where = visibilityCondition(viewer, settings, (name, value) => {
    values[name] = value;
    return sql.placeholder(name);
  });
  const kind = !viewer ? 'anonymous' : viewer.isAdmin ? 'admin' : viewer.fullAccess ? 'full' : `visitor${viewer.roles.length}`;
  return { shape: `${settings.publicMode ? 'public' : 'private'}:${kind}`, where, values };
}
