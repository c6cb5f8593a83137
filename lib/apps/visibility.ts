// Visibility of an app version: the values, their parsing (zod), and the one rule for choosing one.
// Used by the import, the API, the My Apps and admin pages, the settings panel and the CLI.
import { z } from 'zod';
import type { Visibility } from '@/db/schema';
import { AppError, type Problem } from '@/lib/errors';

export type { Visibility };

export const VISIBILITIES = ['PRIVATE', 'ALL_USERS', 'PUBLIC'] as const satisfies readonly Visibility[];

/** How each value is offered in forms. */
export const VISIBILITY_CHOICES: readonly { value: Visibility; label: string; hint: string }[] = [
  { value: 'PRIVATE', label: 'Private', hint: 'Only you and administrators.' },
  { value: 'ALL_USERS', label: 'All users', hint: 'Every signed-in user with full access, and visitors through authorization tags.' },
  { value: 'PUBLIC', label: 'Public', hint: 'Everybody, signed in or not.' },
];

const UNKNOWN = `Visibility must be one of ${VISIBILITIES.join(', ')}.`;

/** A visibility in any letter case (`all_users` too). */
export const visibilitySchema = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toUpperCase() : value),
  z.enum(VISIBILITIES, UNKNOWN),
);

/** Parses a query or form value; throws INVALID_INPUT naming `path`. */
export function parseVisibility(value: unknown, path = 'visibility'): Visibility {
  const parsed = visibilitySchema.safeParse(value);
  if (!parsed.success) throw new AppError('INVALID_INPUT', UNKNOWN, [{ path, message: `Unknown visibility ${JSON.stringify(value)}.` }]);
  return parsed.data;
}

export const PUBLIC_NEEDS_PUBLIC_MODE = 'PUBLIC needs public mode (PUBLIC_MODE=true) on this portal: choose PRIVATE or ALL_USERS.';

/**
 * The one rule for choosing a visibility (`from` is null for a new import): PUBLIC may be newly chosen
 * only in public mode; an unchanged value is always accepted, so an app published while public mode
 * was on keeps its other settings editable after it is switched off.
 */
export function visibilityChangeProblem(from: Visibility | null, to: Visibility, publicMode: boolean): Problem | null {
  if (to === 'PUBLIC' && from !== 'PUBLIC' && !publicMode) return { path: 'visibility', message: PUBLIC_NEEDS_PUBLIC_MODE };
  return null;
}

/** The values a form may offer for an app currently at `current` (null: a new import). */
export function selectableVisibilities(current: Visibility | null, publicMode: boolean): Visibility[] {
  return VISIBILITIES.filter((to) => visibilityChangeProblem(current, to, publicMode) === null);
}
