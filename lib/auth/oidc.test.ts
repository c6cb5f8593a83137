import { describe, expect, it } from 'vitest';
import { useTempDataDir } from '@/lib/testing/db';
import { rolesFromClaims, upsertOidcUser, type OidcSettings } from './oidc';

useTempDataDir();

const settings: OidcSettings = {
  issuer: 'https://id.example.test/realms/x',
  clientId: 'portal',
  clientSecret: 's',
  name: 'SSO',
  rolesClaim: 'realm_access.roles',
  adminRole: 'admin',
};

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

describe('upsertOidcUser', () => {
  it('creates the user from the claims, then updates roles and admin flag on the next sign-in', () => {
    const claims = { sub: 'abc', email: 'Ada@Example.test', name: 'Ada', realm_access: { roles: ['data-science'] } };
    const first = upsertOidcUser(claims, settings);
    expect(first).toMatchObject({ email: 'ada@example.test', name: 'Ada', roles: ['data-science'], isAdmin: false });
    const again = upsertOidcUser({ ...claims, realm_access: { roles: ['admin'] } }, settings);
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({ roles: ['admin'], isAdmin: true });
  });
  it('refuses claims without a subject or e-mail', () => {
    expect(() => upsertOidcUser({ email: 'x@y.test' }, settings)).toThrow(/subject and an e-mail/);
  });
});
