// The route wrapper for API handlers, the twin of validatedAction: it reads the caller (lib/auth only),
// checks the access level, parses the query string and the JSON body against zod schemas (every problem at
// once), resolves the route's params, and maps every thrown AppError to its JSON answer (apiRoute). No
// handler does these itself.
import 'server-only';
import type { z } from 'zod';
import { accessRefusal, type AccessLevel, type Viewer } from '@/lib/auth/policy';
import { accessSettings, getApiViewer } from '@/lib/auth/viewer';
import { retryWhileBusy } from '@/db/retry';
import { AppError, notFound, unauthenticated } from '@/lib/errors';
import { apiRoute, readJson, zodProblems } from './handler';

/**
 * Who may call: `anyone` (anonymous too), `reader` (signed in, or anyone in public mode: the catalog's
 * rule), or an access level (`viewer`, `fullAccess`, `admin`: 401 without a caller, 403 below the level).
 */
export type ApiAccess = 'anyone' | 'reader' | AccessLevel;

type ViewerFor<A extends ApiAccess> = A extends 'anyone' | 'reader' ? Viewer | null : Viewer;

interface ApiOptions<A extends ApiAccess, S extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  access: A;
  /**
   * Refusals look like absence: a caller who may not use the route (none, a bad token, below the level) gets
   * the 404 of anything missing, as for pages and assets of apps they may not see; every error answer is
   * `private, no-store`.
   */
  hidden?: boolean;
  /** Schema of the query string (each parameter once, as a string; a repeated one as a list). */
  query?: Q;
  /** Schema of the JSON body; without one the body is left to the handler (uploads stream it). */
  body?: S;
  /** Largest JSON body accepted (readJson's default otherwise). */
  maxBytes?: number;
  /** The message of a 400 for a body that does not match the schema. */
  invalid?: string;
  /** The message of the 403 for a caller below the access level. */
  forbidden?: string;
}

export interface ApiInput<A extends ApiAccess, S extends z.ZodType | undefined, P, Q extends z.ZodType | undefined = undefined> {
  request: Request;
  viewer: ViewerFor<A>;
  body: S extends z.ZodType ? z.infer<S> : undefined;
  query: Q extends z.ZodType ? z.infer<Q> : undefined;
  params: P;
}

/** The headers of every error answer of a `hidden` route. */
const HIDDEN_ERROR_HEADERS = { 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' };

/** The query string as an object: a parameter given once is a string, given more often a list of strings. */
export function queryObject(url: string): Record<string, string | string[]> {
  const params = new URL(url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

type RouteContext<P> = { params: Promise<P> };

export function apiHandler<
  A extends ApiAccess,
  S extends z.ZodType | undefined = undefined,
  P = Record<string, never>,
  Q extends z.ZodType | undefined = undefined,
>(
  options: ApiOptions<A, S, Q>,
  handler: (input: ApiInput<A, S, P, Q>) => Promise<Response>,
): (request: Request, context?: RouteContext<P>) => Promise<Response> {
  return apiRoute<RouteContext<P> | undefined>(async (request, context) => {
    let viewer: Viewer | null;
    try {
      viewer = await callerAt(request, options.access, options.forbidden);
    } catch (error) {
      if (options.hidden && error instanceof AppError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')) throw notFound();
      throw error;
    }
    let query: unknown = undefined;
    if (options.query) {
      const parsed = options.query.safeParse(queryObject(request.url));
      if (!parsed.success) throw new AppError('INVALID_INPUT', 'The query is not valid.', zodProblems(parsed.error.issues));
      query = parsed.data;
    }
    let body: unknown = undefined;
    if (options.body) {
      const parsed = options.body.safeParse(await readJson(request, options.maxBytes));
      if (!parsed.success) throw new AppError('INVALID_INPUT', options.invalid ?? 'The request is not valid.', zodProblems(parsed.error.issues));
      body = parsed.data;
    }
    const params = (await context?.params) ?? ({} as P);
    const input = {
      request,
      viewer: viewer as ViewerFor<A>,
      body: body as ApiInput<A, S, P, Q>['body'],
      query: query as ApiInput<A, S, P, Q>['query'],
      params,
    };
    // A busy database (a lock held by another process) is waited for on timers, not by blocking the event
    // loop; a handler that streamed the request body itself cannot run again, so it answers 503 at once.
    return retryWhileBusy(() => handler(input), { canRetry: () => options.body !== undefined || !request.bodyUsed });
  }, options.hidden ? HIDDEN_ERROR_HEADERS : undefined);
}

async function callerAt(request: Request, access: ApiAccess, forbidden?: string): Promise<Viewer | null> {
  if (access === 'anyone') return getApiViewer(request);
  if (access === 'reader') {
    const viewer = await getApiViewer(request);
    if (!viewer && !accessSettings().publicMode) throw unauthenticated();
    return viewer;
  }
  const viewer = await getApiViewer(request);
  if (!viewer) throw unauthenticated();
  const refused = accessRefusal(viewer, access);
  if (refused) throw new AppError('FORBIDDEN', forbidden ?? refused);
  return viewer;
}
