// Why a sign-in through the identity provider failed, in words a person understands. Auth.js reports every
// failure to its logger and then redirects with a generic code; the logger (lib/auth/next-auth.ts) classifies
// the error here, remembers it for the request (AsyncLocalStorage), and the auth route puts the precise code on
// the redirect to /login. Only the class of failure and oauth error codes are logged: never a token, code or state.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextRequest } from 'next/server';

export type SignInFailure =
  | 'OidcUnavailable'
  | 'OidcClientRejected'
  | 'OidcDenied'
  | 'OidcStateMismatch'
  | 'OidcCodeRejected'
  | 'OidcTokenInvalid'
  | 'OidcEmailUnverified'
  | 'OidcLinkedElsewhere'
  | 'OidcNoSubject'
  | 'OidcNoEmail'
  | 'AccountDisabled'
  | 'OidcFailed';

/** The message /login shows for an `error` code (Auth.js's own codes included); null for unknown codes. */
export function signInFailureMessage(code: string | undefined, providerName: string): string | null {
  switch (code) {
    case 'OidcUnavailable':
      return `${providerName} is not answering right now, so signing in with it is not possible. Try again in a few minutes, or tell an administrator.`;
    case 'OidcClientRejected':
      return `${providerName} refused this portal's client credentials. An administrator needs to check the portal's OIDC client settings.`;
    case 'OidcDenied':
    case 'OAuthCallbackError':
      return `The sign-in was cancelled or refused at ${providerName}. You are not signed in.`;
    case 'OidcStateMismatch':
      return 'This sign-in answer does not belong to a sign-in started in this browser (it may be stale or tampered with). Please sign in again.';
    case 'OidcCodeRejected':
      return `The sign-in took too long or was already used, and ${providerName} no longer accepts it. Please sign in again.`;
    case 'OidcTokenInvalid':
      return `${providerName}'s answer could not be verified (its signature, issuer, audience or validity did not check out), so you are not signed in. Please try again; if it keeps failing, tell an administrator.`;
    case 'OidcEmailUnverified':
      return `An account with your e-mail address already exists here, but ${providerName} has not verified that address, so the two cannot be linked. Verify your e-mail address at ${providerName}, then sign in again.`;
    case 'OidcLinkedElsewhere':
      return `The account with your e-mail address is already linked to another ${providerName} identity.`;
    case 'OidcNoSubject':
      return `${providerName} did not name your account with the claim the portal identifies users by (OIDC_SUBJECT_CLAIM). Tell an administrator.`;
    case 'OidcNoEmail':
      return `${providerName} did not share an e-mail address for your account, which the portal needs. Tell an administrator.`;
    case 'AccountDisabled':
    case 'AccessDenied':
      return 'This account is disabled. Ask an administrator to enable it.';
    case 'OidcFailed':
    case 'Configuration':
    case 'CallbackRouteError':
      return `Signing in with ${providerName} failed. Please try again; if it keeps failing, tell an administrator.`;
    default:
      return null;
  }
}

interface Traits {
  names: string[];
  oauthErrors: string[];
  codes: string[];
  messages: string[];
}

/** Walks an error and its causes (Auth.js wraps the original in `cause.err`). */
function traitsOf(error: unknown, traits: Traits = { names: [], oauthErrors: [], codes: [], messages: [] }, depth = 0): Traits {
  if (!error || typeof error !== 'object' || depth > 6) return traits;
  const e = error as { name?: unknown; error?: unknown; code?: unknown; message?: unknown; cause?: unknown; err?: unknown; type?: unknown };
  if (typeof e.name === 'string') traits.names.push(e.name);
  if (typeof e.type === 'string') traits.names.push(e.type);
  if (typeof e.error === 'string') traits.oauthErrors.push(e.error);
  if (typeof e.code === 'string') traits.codes.push(e.code);
  if (typeof e.message === 'string') traits.messages.push(e.message);
  traitsOf(e.cause, traits, depth + 1);
  traitsOf(e.err, traits, depth + 1);
  return traits;
}

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_\w+)$/;

/** The class of a sign-in failure, from the error Auth.js logs. */
export function classifySignInError(error: unknown): SignInFailure {
  const t = traitsOf(error);
  // The provider sent an error back to the callback (Auth.js keeps only the type): mostly access_denied.
  if (t.oauthErrors.includes('access_denied') || t.names.includes('OAuthCallbackError')) return 'OidcDenied';
  // A 401 with a WWW-Authenticate challenge from the token endpoint is the client's authentication failing.
  if (t.oauthErrors.some((c) => c === 'invalid_client' || c === 'unauthorized_client') || t.codes.includes('OAUTH_WWW_AUTHENTICATE_CHALLENGE'))
    return 'OidcClientRejected';
  if (t.oauthErrors.includes('invalid_grant')) return 'OidcCodeRejected';
  if (t.names.includes('InvalidCheck') || t.messages.some((m) => /"state"|state (cookie|value)/i.test(m))) return 'OidcStateMismatch';
  if (t.codes.some((c) => NETWORK_CODES.test(c)) || t.messages.some((m) => /fetch failed/i.test(m))) return 'OidcUnavailable';
  return 'OidcFailed';
}

/** What is logged about a failure: its class, the error names and oauth error codes; nothing the request carried. */
export function safeFailureLine(error: unknown): string {
  const t = traitsOf(error);
  // Password sign-ins go through the same logger: a refusal there is no provider failure.
  if (t.names.includes('CredentialsSignin')) return '[auth] password sign-in refused (CredentialsSignin)';
  // The database was locked by another process during a password sign-in (answered "busy, try again").
  if (t.codes.some((c) => c.startsWith('SQLITE_BUSY'))) return `[auth] sign-in waited for the database: busy (${[...new Set(t.codes)].join(', ')})`;
  const oauth = [...new Set(t.oauthErrors)].filter((c) => /^[a-z_]{1,40}$/.test(c));
  const codes = [...new Set(t.codes)].filter((c) => /^[A-Z_0-9]{1,60}$/.test(c));
  return `[auth] sign-in failed: ${classifySignInError(error)} (${[...new Set(t.names)].join(' < ')}${oauth.length ? `; oauth error ${oauth.join(', ')}` : ''}${codes.length ? `; ${codes.join(', ')}` : ''})`;
}

const requestFailures = new AsyncLocalStorage<{ failure?: SignInFailure }>();

/** Called by Auth.js's logger: logs the safe line and remembers the failure for the running request. */
export function recordSignInError(error: unknown): void {
  console.error(safeFailureLine(error));
  const store = requestFailures.getStore();
  if (store && !store.failure) store.failure = classifySignInError(error);
}

/** Runs an auth request, answering its result and the failure Auth.js logged while it ran (if any). */
export async function withSignInFailure<T>(run: () => Promise<T>): Promise<{ result: T; failure?: SignInFailure }> {
  const store: { failure?: SignInFailure } = {};
  const result = await requestFailures.run(store, run);
  return { result, failure: store.failure };
}

/** Like withSignInFailure, for calls that end by throwing (Next's redirect): the throw is answered, not raised. */
export async function settleSignIn(run: () => Promise<unknown>): Promise<{ failure?: SignInFailure; thrown?: { error: unknown } }> {
  const store: { failure?: SignInFailure } = {};
  try {
    await requestFailures.run(store, run);
    return { failure: store.failure };
  } catch (error) {
    return { failure: store.failure, thrown: { error } };
  }
}

/**
 * Wraps an Auth.js route handler: when a sign-in failed, the redirect to /login carries the precise failure
 * (provider down, client refused, state mismatch…) instead of Auth.js's generic code.
 */
export function withSignInFailureCodes(handler: (request: NextRequest) => Promise<Response>, publicUrl: () => string | null) {
  return async (incoming: NextRequest): Promise<Response> => {
    // With single sign-on, Auth.js builds the redirect URI it sends the provider from the request's URL; it must
    // be the one registered there (under PUBLIC_URL). A NextRequest cannot carry it: Next rewrites loopback
    // hosts (127.0.0.1, [::1]) to `localhost` in every NextRequest URL, so Auth.js gets a plain Request.
    const base = publicUrl();
    const request = base
      ? (new Request(new URL(incoming.nextUrl.pathname + incoming.nextUrl.search, base), {
          method: incoming.method,
          headers: incoming.headers,
          body: incoming.body,
          duplex: 'half',
        } as RequestInit) as NextRequest)
      : incoming;
    const { result, failure } = await withSignInFailure(() => handler(request));
    const location = result.headers.get('location');
    if (!failure || !location) return result;
    const target = new URL(location, request.url);
    if (target.pathname !== '/login' || !target.searchParams.has('error')) return result;
    target.searchParams.set('error', failure);
    const headers = new Headers(result.headers);
    headers.set('location', target.href);
    return new Response(result.body, { status: result.status, headers });
  };
}
