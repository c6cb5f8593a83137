// Expected failures as values with a code and a message a person understands, mapped to HTTP in one place.

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'INVALID_BUNDLE'
  | 'CONFLICT'
  | 'TOO_LARGE'
  | 'RATE_LIMITED'
  | 'LIMIT_REACHED';

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
};

export interface Problem {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Field or attribute problems, for INVALID_INPUT / INVALID_BUNDLE. */
    readonly errors: Problem[] = [],
    readonly warnings: Problem[] = [],
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
  if (error instanceof AppError) {
    const body: Record<string, unknown> = { error: { code: error.code, message: error.message } };
    if (error.code === 'INVALID_BUNDLE' || error.code === 'INVALID_INPUT') {
      body.errors = error.errors;
      body.warnings = error.warnings;
    }
    return Response.json(body, { status: error.status, headers });
  }
  console.error('Unexpected error while answering a request:', error);
  return Response.json(
    { error: { code: 'INTERNAL', message: 'Something went wrong on the server. It has been logged.' } },
    { status: 500, headers },
  );
}
