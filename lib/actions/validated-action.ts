// Turns a zod schema and a handler into a form action for useActionState: it takes the viewer from
// the session (never from the form), checks the required level, validates, and maps expected errors
// (with their full problem and warning lists, for the import form).
import 'server-only';
import type { z } from 'zod';
import { accessRefusal, type AccessLevel, type Viewer } from '@/lib/auth/policy';
import { getViewer } from '@/lib/auth/viewer';
import { retryWhileBusy } from '@/db/retry';
import { AppError, infrastructureError, type Problem, type ProblemLink } from '@/lib/errors';

export type FieldErrors = Record<string, string[]>;
export type ActionState<T = undefined> =
  | { ok: true; message?: string; data?: T; warnings?: Problem[]; at?: number }
  | {
      ok: false;
      message: string;
      fieldErrors: FieldErrors;
      /** Every problem as reported (an invalid bundle's app.toml paths), and the warnings that came with them. */
      errors?: Problem[];
      warnings?: Problem[];
      /** What a refusal lists for the form to show (a version's instances, to confirm deleting it). */
      data?: T;
      /** A page about the refusal (the version that already exists). */
      link?: ProblemLink;
      at?: number;
    }
  | null;

/** Who may post the form: `anyone` (signing in, signing out: the viewer may be null) or an access level. */
export type Requirement = 'anyone' | AccessLevel;

/** A form action as pages hand it to forms (components never import actions: they receive them as props). */
export type FormAction<T = undefined> = (previous: ActionState<T>, formData: FormData) => Promise<ActionState<T>>;

/** FormData as a plain object: a key given once is a string, given more often a list of strings. */
export function formDataToObject(formData: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const values = formData.getAll(key).filter((v): v is string => typeof v === 'string');
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

export function fail(
  message: string,
  fieldErrors: FieldErrors = {},
  problems: { errors?: Problem[]; warnings?: Problem[]; link?: ProblemLink } = {},
): ActionState<never> {
  return { ok: false, message, fieldErrors, ...problems, at: Date.now() };
}

/** The viewer a handler gets: null only for `anyone`. */
type ViewerOf<R extends Requirement> = R extends 'anyone' ? Viewer | null : Viewer;

export function validatedAction<S extends z.ZodType, T = undefined, R extends Requirement = AccessLevel>(
  requirement: R,
  schema: S,
  handler: (data: z.infer<S>, viewer: ViewerOf<R>) => Promise<ActionState<T>>,
) {
  return async (_previous: ActionState<T>, formData: FormData): Promise<ActionState<T>> => {
    const viewer = await getViewer();
    const refused = requirement === 'anyone' ? null : accessRefusal(viewer, requirement);
    if (refused) return fail(refused);
    const parsed = schema.safeParse(formDataToObject(formData));
    if (!parsed.success) {
      const fieldErrors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.map(String).join('.') || 'form';
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return fail('Please correct the marked fields.', fieldErrors);
    }
    try {
      // The form is already read, so a write refused by a busy database can run again (on timers).
      return await retryWhileBusy(() => handler(parsed.data, viewer as ViewerOf<R>));
    } catch (caught) {
      // A busy database or a full disk is told to the person like any expected refusal.
      const error = infrastructureError(caught) ?? caught;
      if (error instanceof AppError) {
        const fieldErrors: FieldErrors = {};
        for (const p of error.errors) (fieldErrors[p.path] ??= []).push(p.message);
        return fail(error.message, fieldErrors, { errors: error.errors, warnings: error.warnings, ...(error.link ? { link: error.link } : {}) });
      }
      throw error;
    }
  };
}

/** Checkbox and select values from forms. */
export const formBoolean = (v: unknown) => v === 'on' || v === 'true' || v === true;
export const formList = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
