import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { useTempDataDir } from '@/lib/testing/db';
import { applyRefreshedClaims, rolesFromClaims, signInWithOidc, userOfSubject, type OidcSettings } from './oidc';

useTempDataDir();

const settings: OidcSettings = {
  issuer: 'https://id.example.test/realms/x',
  clientId: 'portal',
  clientSecret: 's',
  name: 'SSO',
  rolesClaim: 'realm_access.roles',
  adminRole: 'admin',
  scope: 'openid profile email',
  refreshIntervalSeconds: 300,
  subjectClaim: 'sub',
  cli: null,
  app: null,
  endSessionUrl: null,
};

function credentialsUser(email: string, extra: Partial<typeof users.$inferInsert> = {}) {
  const id = `u-${Math.random().toString(36).slice(2)}`;
  getDb().insert(users).values({ id, email, name: email, passwordHash: 'x', ...extra }).run();
  return id;
}

describe('rolesFromClaims', () => {
  it('reads a dotted claim path (Keycloak realm roles by default)', () => {
    expect(rolesFromClaims({ realm_access: { roles: ['finance', 'admin'] } }, 'realm_access.roles')).toEqual(['finance', 'admin']);
    expect(rolesFromClaims({ groups: 'a b,c' }, 'groups')).toEqual(['a', 'b', 'c']);
  });
  it('answers no roles for missing, odd or prototype paths', () => {
    expect(rolesFromClaims({}, 'realm_access.roles')).toEqual([]);
    expect(rolesFromClaims({ realm_access: { roles: [1, {}, 'ok'] } }, 'realm_access.roles')).toEqual(['ok']);
    expect(rolesFromClaims({}, '__proto__.toString')).toEqual([]);
  });
});

describe('signInWithOidc', () => {
  it('creates the user from the claims, then updates roles and admin flag on the next sign-in', () => {
    const claims = { sub: 'abc', email: 'Ada@Example.test', name: 'Ada', realm_access: { roles: ['data-science'] } };
    const first = signInWithOidc(claims, settings);
    if (!first.ok) throw new Error(first.reason);
    expect(first.user).toMatchObject({ email: 'ada@example.test', name: 'Ada', roles: ['data-science'], isAdmin: false });
    const again = signInWithOidc({ ...claims, realm_access: { roles: ['admin'] } }, settings);
    if (!again.ok) throw new Error(again.reason);
    expect(again.user.id).toBe(first.user.id);
    expect(again.user).toMatchObject({ roles: ['admin'], isAdmin: true });
    expect(userOfSubject(settings, 'abc')?.id).toBe(first.user.id);
  });
  it('identifies the user by OIDC_SUBJECT_CLAIM when set (Azure AD: `oid`, the same whichever application asks)', () => {
    const azure = { ...settings, subjectClaim: 'oid' };
    const first = signInWithOidc({ sub: 'pairwise-portal', oid: 'object-1', email: 'oid@example.test' }, azure);
    if (!first.ok) throw new Error(first.reason);
    expect(userOfSubject(azure, 'object-1')?.id).toBe(first.user.id);
    expect(userOfSubject(azure, 'pairwise-portal')).toBeNull();
    // Another `sub` (another application's) with the same `oid` is the same user.
    const again = signInWithOidc({ sub: 'pairwise-other', oid: 'object-1', email: 'oid@example.test', realm_access: { roles: ['r'] } }, azure);
    expect(again.ok && again.user.id).toBe(first.user.id);
    expect(signInWithOidc({ sub: 'no-oid', email: 'no-oid@example.test' }, azure)).toEqual({ ok: false, reason: 'OidcNoSubject' });
  });
  it('refuses claims without a subject or e-mail', () => {
    expect(signInWithOidc({ email: 'x@y.test' }, settings)).toEqual({ ok: false, reason: 'OidcNoSubject' });
    expect(signInWithOidc({ sub: 'x' }, settings)).toEqual({ ok: false, reason: 'OidcNoEmail' });
  });
  it('links an existing credentials account only when the provider verified the e-mail', () => {
    const id = credentialsUser('grace@example.test');
    const claims = { sub: 'grace-sub', email: 'grace@example.test', realm_access: { roles: ['r'] } };
    expect(signInWithOidc(claims, settings)).toEqual({ ok: false, reason: 'OidcEmailUnverified' });
    expect(signInWithOidc({ ...claims, email_verified: 'true' }, settings)).toEqual({ ok: false, reason: 'OidcEmailUnverified' });
    expect(getDb().select().from(users).where(eq(users.id, id)).get()?.oidcSubject).toBeNull();
    const linked = signInWithOidc({ ...claims, email_verified: true }, settings);
    expect(linked.ok && linked.user.id).toBe(id);
    expect(linked.ok && linked.user.roles).toEqual(['r']);
    // Another identity with the same address cannot take the linked account over.
    expect(signInWithOidc({ sub: 'other', email: 'grace@example.test', email_verified: true }, settings)).toEqual({
      ok: false,
      reason: 'OidcLinkedElsewhere',
    });
  });
  it('refuses disabled users, linked or not', () => {
    credentialsUser('off@example.test', { disabled: true });
    expect(signInWithOidc({ sub: 'off', email: 'off@example.test', email_verified: true }, settings)).toEqual({ ok: false, reason: 'AccountDisabled' });
    const made = signInWithOidc({ sub: 'later-off', email: 'later@example.test' }, settings);
    if (!made.ok) throw new Error(made.reason);
    getDb().update(users).set({ disabled: true }).where(eq(users.id, made.user.id)).run();
    expect(signInWithOidc({ sub: 'later-off', email: 'later@example.test' }, settings)).toEqual({ ok: false, reason: 'AccountDisabled' });
  });
});

describe('applyRefreshedClaims', () => {
  it('applies the roles the provider states now, only for the linked subject', () => {
    const made = signInWithOidc({ sub: 'ref', email: 'ref@example.test', realm_access: { roles: ['admin', 'x'] } }, settings);
    if (!made.ok) throw new Error(made.reason);
    expect(applyRefreshedClaims(made.user.id, { sub: 'someone-else', realm_access: { roles: [] } }, settings)).toBe(false);
    expect(applyRefreshedClaims(made.user.id, { sub: 'ref', realm_access: { roles: ['x'] } }, settings)).toBe(true);
    expect(getDb().select().from(users).where(eq(users.id, made.user.id)).get()).toMatchObject({ roles: ['x'], isAdmin: false });
  });
});
