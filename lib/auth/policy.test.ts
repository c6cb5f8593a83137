import { describe, expect, it } from 'vitest';
import type { Visibility } from '@/db/schema';
import {
  canAssignTag,
  canEditApp,
  canImportApps,
  canImportVersionOf,
  canSeeApp,
  canSeeTags,
  hasFullAccess,
  tagKind,
  type Viewer,
} from './policy';

const viewer = (over: Partial<Viewer> = {}): Viewer => ({
  id: 'u1',
  email: 'u1@x',
  name: 'U1',
  isAdmin: false,
  roles: [],
  fullAccess: true,
  ...over,
});
const owner = viewer({ id: 'owner' });
const other = viewer({ id: 'other' });
const admin = viewer({ id: 'admin', isAdmin: true });
const visitorWithRole = viewer({ id: 'v1', fullAccess: false, roles: ['finance'] });
const visitorWithout = viewer({ id: 'v2', fullAccess: false, roles: ['hr'] });

const app = (visibility: Visibility, tagVisitorRoles: string[][] = []) => ({ ownerId: 'owner', visibility, tagVisitorRoles });
const modes = [
  { publicMode: false, fullAccessRole: 'full' },
  { publicMode: true, fullAccessRole: 'full' },
];

describe('hasFullAccess', () => {
  it('gives everyone full access when no role is configured', () => {
    expect(hasFullAccess({ isAdmin: false, roles: [] }, '')).toBe(true);
  });
  it('requires the configured role, except for admins', () => {
    expect(hasFullAccess({ isAdmin: false, roles: ['x'] }, 'full')).toBe(false);
    expect(hasFullAccess({ isAdmin: false, roles: ['full'] }, 'full')).toBe(true);
    expect(hasFullAccess({ isAdmin: true, roles: [] }, 'full')).toBe(true);
  });
});

describe('canSeeApp: the visibility rule', () => {
  const authTag = [['finance', 'rc']];
  // [viewer, visibility, tags, publicMode] -> expected
  const cases: [string, Viewer | null, Visibility, string[][], boolean, boolean][] = [];
  for (const { publicMode } of modes) {
    for (const tags of [[], authTag]) {
      const t = tags.length ? 'with auth tag' : 'no tags';
      cases.push(['owner', owner, 'PRIVATE', tags, publicMode, true]);
      cases.push(['admin', admin, 'PRIVATE', tags, publicMode, true]);
      cases.push(['other full-access user', other, 'PRIVATE', tags, publicMode, false]);
      cases.push(['visitor with role', visitorWithRole, 'PRIVATE', tags, publicMode, false]);
      cases.push(['anonymous', null, 'PRIVATE', tags, publicMode, false]);
      cases.push(['owner', owner, 'ALL_USERS', tags, publicMode, true]);
      cases.push(['admin', admin, 'ALL_USERS', tags, publicMode, true]);
      cases.push(['other full-access user', other, 'ALL_USERS', tags, publicMode, true]);
      cases.push(['visitor with role', visitorWithRole, 'ALL_USERS', tags, publicMode, tags.length > 0]);
      cases.push(['visitor without role', visitorWithout, 'ALL_USERS', tags, publicMode, false]);
      cases.push(['anonymous', null, 'ALL_USERS', tags, publicMode, false]);
      cases.push(['other full-access user', other, 'PUBLIC', tags, publicMode, true]);
      cases.push(['visitor with role', visitorWithRole, 'PUBLIC', tags, publicMode, publicMode || tags.length > 0]);
      cases.push(['visitor without role', visitorWithout, 'PUBLIC', tags, publicMode, publicMode]);
      cases.push(['anonymous', null, 'PUBLIC', tags, publicMode, publicMode]);
      void t;
    }
  }
  it.each(cases)('%s × %s × tags %j × public mode %s → %s', (_who, v, visibility, tags, publicMode, expected) => {
    expect(canSeeApp(v, app(visibility, tags), { publicMode, fullAccessRole: 'full' })).toBe(expected);
  });

  it("holds the platform's worked example", () => {
    const UA = viewer({ id: 'UA', fullAccess: false, roles: ['RA'] });
    const UB = viewer({ id: 'UB', fullAccess: false, roles: ['RB'] });
    const TA = ['RA', 'RC'];
    const TB = ['RB'];
    const A1 = { ownerId: 'dev', visibility: 'ALL_USERS' as const, tagVisitorRoles: [] };
    const A2 = { ownerId: 'dev', visibility: 'ALL_USERS' as const, tagVisitorRoles: [TA] };
    const A3 = { ownerId: 'dev', visibility: 'PRIVATE' as const, tagVisitorRoles: [TA, TB] };
    const settings = { publicMode: false, fullAccessRole: 'full' };
    const seen = (v: Viewer) => Object.entries({ A1, A2, A3 }).filter(([, a]) => canSeeApp(v, a, settings)).map(([n]) => n);
    expect(seen(UA)).toEqual(['A2']);
    expect(seen(UB)).toEqual([]);
  });
});

describe('editing, importing, tags', () => {
  it('lets the owner and admins edit, nobody else', () => {
    expect(canEditApp(owner, { ownerId: 'owner' })).toBe(true);
    expect(canEditApp(admin, { ownerId: 'owner' })).toBe(true);
    expect(canEditApp(other, { ownerId: 'owner' })).toBe(false);
    expect(canEditApp(null, { ownerId: 'owner' })).toBe(false);
  });
  it('lets only full-access users import, and only their own Names', () => {
    expect(canImportApps(other)).toBe(true);
    expect(canImportApps(visitorWithRole)).toBe(false);
    expect(canImportApps(null)).toBe(false);
    expect(canImportVersionOf(other, null)).toBe(true);
    expect(canImportVersionOf(other, 'owner')).toBe(false);
    expect(canImportVersionOf(owner, 'owner')).toBe(true);
    expect(canImportVersionOf(admin, 'owner')).toBe(true);
    expect(canImportVersionOf(visitorWithRole, null)).toBe(false);
  });
  it('hides tags from visitors and anonymous viewers', () => {
    expect(canSeeTags(other)).toBe(true);
    expect(canSeeTags(visitorWithRole)).toBe(false);
    expect(canSeeTags(null)).toBe(false);
  });
  it('lets a tag be assigned per its adminRoles', () => {
    expect(canAssignTag(other, { adminRoles: [] })).toBe(true);
    expect(canAssignTag(other, { adminRoles: ['curators'] })).toBe(false);
    expect(canAssignTag(viewer({ roles: ['curators'] }), { adminRoles: ['curators'] })).toBe(true);
    expect(canAssignTag(admin, { adminRoles: ['curators'] })).toBe(true);
    expect(canAssignTag(visitorWithRole, { adminRoles: [] })).toBe(false);
  });
  it('classifies tags: category, then authorization, then badge', () => {
    expect(tagKind({ isCategory: true, visitorRoles: ['x'] })).toBe('category');
    expect(tagKind({ isCategory: false, visitorRoles: ['x'] })).toBe('authorization');
    expect(tagKind({ isCategory: false, visitorRoles: [] })).toBe('badge');
  });
});
