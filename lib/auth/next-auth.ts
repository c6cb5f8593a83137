// Auth.js (next-auth v5) set-up: credentials against the users table, optional OpenID Connect.
// The session JWT carries only the user id and the user's session version (`sv`); everything else is re-read
// per request (lib/auth/viewer.ts), and a session whose version is no longer the user's is refused.
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import type { Provider } from 'next-auth/providers';
import { authenticate, clientAddressOf } from './credentials';
import { oidcSettings, upsertOidcUser } from './oidc';
import { retryWhileBusy } from '@/db/retry';
import { endSessionsFrom } from './revocation';
import { claimOfToken } from './session-claim';
import { loadActiveUser } from './viewer-store';
import { authSecret } from './secret';

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
      checks: ['pkce', 'state', 'nonce'],
      // The provider's claims become (or update) a portal user; from here on only our id is used.
      profile(claims) {
        const user = upsertOidcUser(claims as Record<string, unknown>, oidc);
        return { id: user.id, email: user.email, name: user.name };
      },
    });
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
  pages: { signIn: '/login' },
  providers: providers(),
  callbacks: {
    async signIn({ user }) {
      // Disabled accounts are refused whichever way they sign in.
      return !!user.id && loadActiveUser(user.id) !== null;
    },
    async jwt({ token, user }) {
      if (user?.id) {
        // Signing in: the session starts at the user's current version; revocation bumps the version.
        token.sub = user.id;
        token.sv = loadActiveUser(user.id)?.sessionVersion;
      }
      // Only the id and version travel in the cookie: roles and flags are read from the database on every request.
      return { sub: token.sub, sv: token.sv, iat: token.iat, exp: token.exp, jti: token.jti };
    },
    async session({ session, token }) {
      if (token.sub) session.user = { ...session.user, id: token.sub };
      session.sessionVersion = claimOfToken(token)?.version;
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
}));

declare module 'next-auth' {
  interface Session {
    /** The session version the cookie carries (lib/auth/session-claim.ts). */
    sessionVersion?: number;
  }
}
