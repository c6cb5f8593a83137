// Auth.js (next-auth v5) set-up: credentials against the users table, optional OpenID Connect.
// The session JWT carries only the user id and the user's session version (`sv`); everything else is re-read
// per request (lib/auth/viewer.ts), and a session whose version is no longer the user's is refused.
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import type { Provider } from 'next-auth/providers';
import { authenticate, clientAddressOf } from './credentials';
import { oidcSettings, signInWithOidc, subjectClaimOf, userOfSubject } from './oidc';
import { verifyProviderIdToken } from './oidc-discovery';
import { recordSignInError } from './oidc-errors';
import { saveGrant } from './oidc-session';
import { retryWhileBusy } from '@/db/retry';
import { endSessionsFrom } from './revocation';
import { claimOfToken } from './session-claim';
import { loadActiveUser } from './viewer-store';
import { authSecret } from './secret';
import { authCookies, servedOverHttps } from './session-cookies';
import { decodeSessionToken, encodeSessionToken } from './session-token';
import { publicUrl } from '@/lib/config';
import { loginUrl } from '@/lib/urls';

export class ThrottledSignIn extends CredentialsSignin {
  code = 'throttled';
}

function providers(): Provider[] {
  const list: Provider[] = [
    Credentials({
      credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, request) {
        const email = typeof credentials?.email === 'string' ? credentials.email : '';
        const password = typeof credentials?.password === 'string' ? credentials.password : '';
        if (!email || !password || email.length > 254 || password.length > 200) return null;
        const result = await authenticate(email, password, clientAddressOf(request.headers));
        if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name };
        if (result.reason === 'throttled') throw new ThrottledSignIn();
        return null;
      },
    }),
  ];
  const oidc = oidcSettings();
  if (oidc) {
    list.push({
      id: 'oidc',
      name: oidc.name,
      type: 'oidc',
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      // Authorization code flow with PKCE, state and nonce. oauth4webapi checks the id_token's issuer,
      // audience, expiry and nonce, but not its signature: the signIn callback verifies the whole token again
      // against the provider's JWKS (lib/auth/oidc-discovery.ts) before any claim is used.
      checks: ['pkce', 'state', 'nonce'],
      authorization: { params: { scope: oidc.scope } },
      // The provider's subject (OIDC_SUBJECT_CLAIM); the signIn callback turns the verified claims into a portal user.
      profile(claims) {
        return { id: subjectClaimOf(claims, oidc.subjectClaim) ?? String(claims.sub), email: typeof claims.email === 'string' ? claims.email : null, name: typeof claims.name === 'string' ? claims.name : null };
      },
    });
  }
  return list;
}

/** Auth.js's configuration (exported for session-reader.test.ts, which checks the portal's reading against Auth.js's). */
export const authConfig = (): NextAuthConfig => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
  // Auth.js's token format, with its key derived once instead of twice per request (lib/auth/session-token.ts).
  jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
  // Over https the session, csrf and callback cookies are `__Host-` cookies: an app host under the portal's
  // host cannot toss one in with `Domain=` (lib/auth/session-cookies.ts).
  cookies: authCookies(servedOverHttps(publicUrl())),
  // Every failure lands on /login, with a message saying what went wrong (lib/auth/oidc-errors.ts).
  pages: { signIn: '/login', error: '/login' },
  providers: providers(),
  // Auth.js would log errors with their causes (which can hold the provider's answers): only a safe line is logged.
  logger: {
    error: recordSignInError,
    warn: (code) => console.warn(`[auth] warning: ${code}`),
    debug: () => {},
  },
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.provider === 'oidc') {
        const oidc = oidcSettings();
        if (!oidc || !profile) return false;
        // Only claims of an id_token the provider's keys verify count (signature, issuer, audience, expiry).
        let claims;
        try {
          claims = await verifyProviderIdToken(account.id_token, oidc);
        } catch (error) {
          console.warn(`[auth] provider sign-in refused: OidcUnavailable (its keys could not be fetched: ${error instanceof Error ? error.name : 'error'})`);
          return loginUrl(undefined, { error: 'OidcUnavailable' });
        }
        if (!claims || subjectClaimOf(claims, oidc.subjectClaim) !== account.providerAccountId) {
          console.warn('[auth] provider sign-in refused: OidcTokenInvalid (the id_token does not verify against the provider keys)');
          return loginUrl(undefined, { error: 'OidcTokenInvalid' });
        }
        const result = signInWithOidc(claims as Record<string, unknown>, oidc);
        if (!result.ok) {
          console.warn(`[auth] provider sign-in refused: ${result.reason}`);
          return loginUrl(undefined, { error: result.reason });
        }
        saveGrant(result.user.id, { refreshToken: account.refresh_token, idToken: account.id_token });
        return true;
      }
      // Disabled accounts are refused whichever way they sign in.
      return !!user.id && loadActiveUser(user.id) !== null;
    },
    async jwt({ token, user, account }) {
      if (user?.id) {
        // Signing in: through the provider, the user is the one its subject is linked to (signIn above).
        const oidc = oidcSettings();
        const id = account?.provider === 'oidc' && oidc ? userOfSubject(oidc, account.providerAccountId)?.id : user.id;
        // The session starts at the user's current version; revocation bumps the version.
        token.sub = id;
        token.sv = id ? loadActiveUser(id)?.sessionVersion : undefined;
        token.idp = account?.provider === 'oidc' ? 'oidc' : undefined;
      }
      // Only the id, version and sign-in method travel in the cookie: roles and flags are read from the database
      // on every request.
      return { sub: token.sub, sv: token.sv, idp: token.idp, iat: token.iat, exp: token.exp, jti: token.jti };
    },
    async session({ session, token }) {
      if (token.sub) session.user = { ...session.user, id: token.sub };
      session.sessionVersion = claimOfToken(token)?.version;
      session.viaProvider = token.idp === 'oidc';
      return session;
    },
  },
  events: {
    // Sign-out (the menu's button or POST /api/auth/signout) ends every session of the user, not only this cookie.
    async signOut(message) {
      const claim = 'token' in message ? claimOfToken(await message.token) : null;
      // Auth.js only logs an error here and clears the cookie anyway: wait out another process's lock first.
      if (claim) await retryWhileBusy(() => endSessionsFrom(claim));
    },
  },
});

export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);

declare module 'next-auth' {
  interface Session {
    /** The session version the cookie carries (lib/auth/session-claim.ts). */
    sessionVersion?: number;
    /** Signed in through the OpenID Connect provider (sign-out then ends the provider's session too). */
    viaProvider?: boolean;
  }
}
