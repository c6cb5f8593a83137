// Wraps a route handler so that every thrown AppError becomes its JSON answer and nothing else leaks.
import 'server-only';
import { AppError, errorResponse } from '@/lib/errors';

type Handler<C> = (request: Request, context: C) => Promise<Response>;

export function apiRoute<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Parses a JSON body, answering 400 for anything that is not a JSON object. */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<Record<string, unknown>> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > maxBytes) throw new AppError('TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`);
  const text = await request.text();
  if (text.length > maxBytes) throw new AppError('TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`);
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
