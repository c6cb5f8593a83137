// What a session proves: a user id and the user's session version when it was issued. Both the portal's
// Auth.js cookie and the app-host cookie carry one; lib/auth/viewer-store.ts accepts it only while the
// version is still the user's current one (lib/auth/revocation.ts bumps it).

export interface SessionClaim {
  userId: string;
  version: number;
}

const isVersion = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The claim of an Auth.js JWT payload (`sub`, `sv`); null when either is missing (a cookie from before versions). */
export function claimOfToken(token: { sub?: unknown; sv?: unknown } | null | undefined): SessionClaim | null {
  if (!token || typeof token.sub !== 'string' || !token.sub || !isVersion(token.sv)) return null;
  return { userId: token.sub, version: token.sv };
}
