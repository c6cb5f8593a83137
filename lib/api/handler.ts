// Wraps a route handler so that every thrown AppError becomes its JSON answer and nothing else leaks.
import 'server-only';
import { AppError, errorResponse } from '@/lib/errors';
import { JSON_BODY_MAX_BYTES, readTextCapped } from './body';

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** `errorHeaders` go with every error answer. */
export function apiRoute<C = unknown>(handler: Handler<C>, errorHeaders?: HeadersInit): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error, errorHeaders);
    }
  };
}

/**
 * Parses a JSON body, answering 413 as soon as more than `maxBytes` arrive (chunked bodies too, before
 * parsing) and 400 for anything that is not a JSON object.
 */
export async function readJson(request: Request, maxBytes = JSON_BODY_MAX_BYTES): Promise<Record<string, unknown>> {
  const text = await readTextCapped(request, maxBytes);
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new AppError('INVALID_INPUT', 'The request body must be a JSON object.');
}

/** zod issues as `{ path, message }` problems. */
export function zodProblems(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || 'body', message: i.message }));
}
