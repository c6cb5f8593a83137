// Expected failures as values with a code and a message a person understands, mapped to HTTP in one place.
import { isDatabaseBusy, isStorageFull } from '@/db/errors';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'INVALID_BUNDLE'
  | 'CONFLICT'
  | 'TOO_LARGE'
  | 'RATE_LIMITED'
  | 'LIMIT_REACHED'
  | 'UNAVAILABLE'
  | 'STORAGE_FULL';

const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  INVALID_BUNDLE: 400,
  CONFLICT: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  LIMIT_REACHED: 409,
  UNAVAILABLE: 503,
  STORAGE_FULL: 507,
};

export interface Problem {
  path: string;
  message: string;
  /** For a syntax error: the offending source line and a caret under the spot, to show in monospace. */
  excerpt?: string;
  /** A page of the portal where the problem is fixed or explained (My secrets, the existing version). */
  link?: ProblemLink;
}

export interface ProblemLink {
  href: string;
  label: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Field or attribute problems, for INVALID_INPUT / INVALID_BUNDLE. */
    readonly errors: Problem[] = [],
    readonly warnings: Problem[] = [],
    /** More of the answer's `error` object, for a refusal that lists what stands in the way (a version's instances). */
    readonly details: Record<string, unknown> = {},
    /** Where the person can see or fix what the refusal is about (the version that already exists). */
    readonly link?: ProblemLink,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what = 'Not found.') => new AppError('NOT_FOUND', what);
export const forbidden = (why = 'You are not allowed to do that.') => new AppError('FORBIDDEN', why);
export const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Sign in first (session or Bearer token).');

/** The JSON answer for any error thrown by a route handler; unexpected errors are logged, never shown. */
export function errorResponse(error: unknown, headers?: HeadersInit): Response {
  error = infrastructureError(error) ?? error;
  if (error instanceof AppError) {
    const body: Record<string, unknown> = { error: { ...error.details, code: error.code, message: error.message } };
    if (error.code === 'INVALID_BUNDLE' || error.code === 'INVALID_INPUT') {
      body.errors = error.errors;
      body.warnings = error.warnings;
    }
    const answerHeaders = new Headers(headers);
    if (error.code === 'UNAVAILABLE') answerHeaders.set('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
    return Response.json(body, { status: error.status, headers: answerHeaders });
  }
  console.error('Unexpected error while answering a request:', error);
  return Response.json(
    { error: { code: 'INTERNAL', message: 'Something went wrong on the server. It has been logged.' } },
    { status: 500, headers },
  );
}

/** How long a client should wait before retrying while the database is busy. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * A busy database (503, try again) or a full disk (507) as an expected failure with a clear message,
 * instead of an unexpected 500.
 */
export function infrastructureError(error: unknown): AppError | null {
  if (isDatabaseBusy(error)) {
    return new AppError('UNAVAILABLE', 'The database is busy with other work; nothing was changed. Try again in a moment.');
  }
  if (isStorageFull(error)) {
    return new AppError('STORAGE_FULL', 'The server has run out of disk space; nothing was changed. Tell the administrator.');
  }
  return null;
}
