import { describe, expect, it } from 'vitest';
import { describeAudit } from './describe';

describe('describeAudit', () => {
  it('says what changed on an app', () => {
    expect(
      describeAudit('app.update', {
        name: 'churn',
        version: '1.2.0',
        visibility: { from: 'PRIVATE', to: 'ALL_USERS' },
        tagsAdded: [{ id: '1', name: 'finance' }, { id: '2', name: 'beta' }],
        tagsRemoved: [{ id: '3', name: 'old' }],
      }),
    ).toEqual({
      target: 'app churn 1.2.0',
      changes: ['visibility PRIVATE → ALL_USERS', 'tags added: finance, beta', 'tags removed: old'],
    });
  });

  it('describes deletions and tag edits', () => {
    expect(describeAudit('app.delete', { name: 'a', version: '1.0.0', visibility: 'PRIVATE', tags: [] }).changes).toEqual([
      'deleted (was PRIVATE)',
    ]);
    expect(describeAudit('app.delete', { name: 'a', version: '1.0.0', visibility: 'ALL_USERS', tags: [], instancesKeptRunning: ['i1', 'i2'] }).changes).toEqual([
      'deleted (was ALL_USERS)',
      '2 instance(s) kept running: i1, i2',
    ]);
    expect(
      describeAudit('tag.update', { name: 'fin', changes: { visitorRoles: { from: [], to: ['finance'] }, title: { from: 'A', to: 'B' } } })
        .changes,
    ).toEqual(['visitorRoles (none) → finance', 'title A → B']);
    expect(describeAudit('tag.delete', { name: 'fin', removedFromApps: 1 }).changes).toEqual(['deleted (removed from 1 app)']);
  });

  it('describes imports, secrets (names and keys only) and runtime versions', () => {
    expect(describeAudit('app.import', { name: 'a', version: '1.0.0', visibility: 'PRIVATE', tags: [{ id: '1', name: 'fin' }] })).toEqual({
      target: 'app a 1.0.0',
      changes: ['imported as PRIVATE, tags fin'],
    });
    expect(describeAudit('secret.update', { name: 'db', set: ['password'], removed: ['old'] }).changes).toEqual([
      'values set: password',
      'keys removed: old',
    ]);
    expect(describeAudit('runtime.status', { name: 'deb11_py38_wlatest', from: 'available', to: 'deprecated' })).toEqual({
      target: 'runtime version deb11_py38_wlatest',
      changes: ['status available → deprecated'],
    });
  });

  it('describes a sign-in lockout with the account, the address and the scope', () => {
    expect(
      describeAudit('sign-in.locked', { account: 'a@example.test', address: '192.0.2.1', scopes: [{ scope: 'accountAddress', failures: 5 }] }),
    ).toEqual({
      target: 'sign-in of a@example.test from 192.0.2.1',
      changes: ['sign-in locked: 5 failed attempts for this account from this address'],
    });
  });
});
