// Talking to the portal's REST API: network failures become one-line errors, error answers become messages.
import { CliError } from './errors';

// Failures before a connection exists; anything else broke an open connection.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export async function send(url: string, init: RequestInit & { duplex?: 'half' }): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const origin = new URL(url).origin;
    const cause = rootCause(err);
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && !UNREACHABLE.has(code)) {
      const hint = init.body ? ' (the portal may have refused the upload before reading it all)' : '';
      throw new CliError(`the connection to ${origin} broke: ${cause.message}${hint}`);
    }
    throw new CliError(`cannot reach ${origin}: ${cause.message}`);
  }
}

function rootCause(err: unknown): Error {
  let cause = (err as { cause?: unknown }).cause;
  // AggregateError (IPv4 and IPv6 both refused) carries the useful text in its members.
  if (cause instanceof AggregateError && cause.errors[0] instanceof Error) cause = cause.errors[0];
  if (cause instanceof Error) return cause;
  return err instanceof Error ? err : new Error(String(err));
}

/** The answer's body as text and, when it is JSON, parsed. */
export async function readAnswer(res: Response): Promise<{ text: string; json: unknown }> {
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new CliError(`the connection broke while reading the answer: ${rootCause(err).message}`);
  }
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}

/**
 * The server's `{"error": {"code", "message"}}` message on one line, followed by the first of its problems
 * (`errors[0]`: `path: message`) so that a refusal says why, or the HTTP status when the body is something else.
 */
export function errorMessage(res: Response, json: unknown): string {
  const answer = json as { error?: { message?: unknown }; errors?: unknown } | undefined;
  const error = answer?.error;
  if (!error || typeof error.message !== 'string' || !error.message) {
    return `the portal answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  }
  const problems = Array.isArray(answer.errors) ? answer.errors.filter(isProblem) : [];
  if (problems.length === 0) return error.message;
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return oneLine(`${error.message} ${first.path ? `${first.path}: ` : ''}${first.message}${more}`);
}

const isProblem = (p: unknown): p is { path?: string; message: string } =>
  typeof p === 'object' && p !== null && typeof (p as { message?: unknown }).message === 'string' &&
  ((p as { path?: unknown }).path === undefined || typeof (p as { path?: unknown }).path === 'string');

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

export function bearer(token: string | null): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
