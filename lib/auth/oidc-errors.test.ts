import { describe, expect, it } from 'vitest';
import { classifySignInError, safeFailureLine, signInFailureMessage } from './oidc-errors';

// Shaped like what Auth.js logs: its own error wrapping oauth4webapi's in `cause.err`.
const wrapped = (err: object) => Object.assign(new Error('Read more at https://errors.authjs.dev'), { type: 'CallbackRouteError', cause: { err } });
const bodyError = (error: string) => Object.assign(new Error('server responded with an error in the response body'), { code: 'OAUTH_RESPONSE_BODY_ERROR', error });

describe('classifySignInError', () => {
  it('tells the failures a person can act on apart', () => {
    expect(classifySignInError(wrapped(bodyError('invalid_grant')))).toBe('OidcCodeRejected');
    expect(classifySignInError(wrapped(bodyError('invalid_client')))).toBe('OidcClientRejected');
    expect(classifySignInError(wrapped(Object.assign(new Error('challenge'), { code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' })))).toBe('OidcClientRejected');
    expect(classifySignInError(Object.assign(new Error('OAuth Provider returned an error'), { type: 'OAuthCallbackError' }))).toBe('OidcDenied');
    expect(classifySignInError(wrapped(new Error('unexpected "state" response parameter value')))).toBe('OidcStateMismatch');
    expect(classifySignInError(Object.assign(new Error('State cookie was missing.'), { type: 'InvalidCheck' }))).toBe('OidcStateMismatch');
    expect(classifySignInError(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toBe('OidcUnavailable');
    expect(classifySignInError(new Error('something else'))).toBe('OidcFailed');
  });

  it('logs the class and codes only, never what the error message carries', () => {
    const line = safeFailureLine(wrapped(Object.assign(bodyError('invalid_grant'), { message: 'code=abc123secretcode eyJhbGciOi.eyJzdWIiOi.sig' })));
    expect(line).toBe('[auth] sign-in failed: OidcCodeRejected (Error < CallbackRouteError; oauth error invalid_grant; OAUTH_RESPONSE_BODY_ERROR)');
    expect(safeFailureLine(Object.assign(new Error('x'), { type: 'CredentialsSignin' }))).toBe('[auth] password sign-in refused (CredentialsSignin)');
    // A password sign-in that met a database locked by another process is no provider failure.
    const busy = wrapped(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    expect(safeFailureLine(busy)).toBe('[auth] sign-in waited for the database: busy (SQLITE_BUSY)');
  });
});

describe('signInFailureMessage', () => {
  it('has a message for every failure, naming the provider; none for unknown codes', () => {
    for (const code of ['OidcUnavailable', 'OidcClientRejected', 'OidcDenied', 'OidcStateMismatch', 'OidcCodeRejected', 'OidcTokenInvalid', 'OidcEmailUnverified', 'OidcLinkedElsewhere', 'OidcNoSubject', 'OidcNoEmail', 'AccountDisabled', 'OidcFailed']) {
      expect(signInFailureMessage(code, 'Keycloak'), code).toMatch(/\w/);
    }
    expect(signInFailureMessage('OidcUnavailable', 'Keycloak')).toContain('Keycloak is not answering');
    expect(signInFailureMessage('<script>', 'Keycloak')).toBeNull();
    expect(signInFailureMessage(undefined, 'Keycloak')).toBeNull();
  });
});
