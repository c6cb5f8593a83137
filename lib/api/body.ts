// Reads a request body as a stream and stops at a cap, so no body (chunked or not) is held in memory
// past its limit: the cap applies before any parsing.
import { NextRequest } from 'next/server';
import { AppError, errorResponse } from '@/lib/errors';

/** Largest JSON body an API call accepts unless it names its own cap. */
export const JSON_BODY_MAX_BYTES = 64 * 1024;
/** Largest form body Auth.js reads (sign-in, sign-out: an e-mail, a password and a CSRF token). */
export const AUTH_FORM_MAX_BYTES = 16 * 1024;

function tooLarge(maxBytes: number): AppError {
  return new AppError('TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`);
}

/**
 * The body's bytes, or TOO_LARGE as soon as the declared length or the bytes really received pass
 * `maxBytes`; the rest of the body is never read.
 */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      drainThenCancel(reader);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * After a refusal, the rest of the body is read and dropped for a short while (nothing is kept) before the
 * stream is cancelled: closing a connection whose request is still arriving makes the kernel reset it, which
 * can destroy the 413 before the client has read it (a "lingering close", as web servers do).
 */
function drainThenCancel(reader: ReadableStreamDefaultReader<Uint8Array>, lingerMs = 2000): void {
  const until = Date.now() + lingerMs;
  const drain = async () => {
    while (Date.now() < until) {
      const { done } = await reader.read();
      if (done) return;
    }
    await reader.cancel();
  };
  drain().catch(() => {});
}

/** The body as UTF-8 text, cut at `maxBytes` like readBodyCapped. */
export async function readTextCapped(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyCapped(request, maxBytes));
}

/**
 * Wraps a handler that reads its own body (Auth.js): the body is read first, capped, and handed on as
 * bytes, so the handler never sees an unbounded stream. Over the cap: 413 without calling it.
 */
export function withBodyCap(handler: (request: NextRequest) => Promise<Response>, maxBytes: number) {
  return async (request: NextRequest): Promise<Response> => {
    let body: Uint8Array;
    try {
      body = await readBodyCapped(request, maxBytes);
    } catch (error) {
      return errorResponse(error);
    }
    const headers = new Headers(request.headers);
    headers.delete('transfer-encoding');
    headers.set('content-length', String(body.byteLength));
    return handler(new NextRequest(request.url, { method: request.method, headers, body: body as BodyInit }));
  };
}
