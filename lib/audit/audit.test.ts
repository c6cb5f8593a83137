import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { issueToken, revokeToken } from '@/lib/auth/tokens';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { listAudit, writeAudit } from './audit';
import { auditFilterFrom, auditTargetUrl } from './filters';

useTempDataDir();

describe('API tokens in the audit log', () => {
  it('records a token created and revoked by its owner, never the token itself', () => {
    const user = insertUser({ email: 'tokens@example.test' });
    const { id, token } = issueToken(user.id, 'laptop CLI');
    expect(revokeToken(user.id, id)).toBe(true);
    const entries = listAudit({ targetType: 'token', targetId: id });
    expect(entries.map((e) => e.action)).toEqual(['token.revoke', 'token.create']);
    expect(entries.every((e) => e.actor?.id === user.id)).toBe(true);
    expect(entries[1].details).toMatchObject({ name: 'laptop CLI' });
    expect(JSON.stringify(entries)).not.toContain(token);
    // Another user's token is neither revoked nor logged.
    const other = insertUser();
    const theirs = issueToken(other.id, 'theirs');
    expect(revokeToken(user.id, theirs.id)).toBe(false);
    expect(listAudit({ targetId: theirs.id }).map((e) => e.action)).toEqual(['token.create']);
  });
});

describe('listAudit filters', () => {
  it('filters by actor (e-mail or name, any case), app Name, kind and dates', () => {
    const alice = insertUser({ email: 'alice.filter@example.test', name: 'Alice Filter' });
    const bob = insertUser({ email: 'bob.filter@example.test', name: 'Bob' });
    const db = getDb();
    writeAudit(db, { actorId: alice.id, action: 'app.import', targetType: 'app', targetId: 'a1', details: { name: 'ai.filter.one', version: '1.0.0' } });
    writeAudit(db, { actorId: bob.id, action: 'app.import', targetType: 'app', targetId: 'a2', details: { name: 'ai.filter.two', version: '1.0.0' } });
    writeAudit(db, { actorId: bob.id, action: 'instance.start', targetType: 'instance', targetId: 'i1', details: { name: 'ai.filter.one', version: '1.0.0' } });
    writeAudit(db, { actorId: bob.id, action: 'tag.create', targetType: 'tag', targetId: 't1', details: { name: 'ai.filter.one' } });

    expect(listAudit({ actor: 'ALICE.FILTER' }).map((e) => e.targetId)).toEqual(['a1']);
    expect(listAudit({ actor: 'alice filter' }).map((e) => e.targetId)).toEqual(['a1']);
    expect(listAudit({ actor: '%' }).length).toBe(0); // a wildcard is a character, not a pattern
    expect(listAudit({ app: 'ai.filter.one' }).map((e) => e.targetId)).toEqual(['i1', 'a1']);
    expect(listAudit({ app: 'ai.filter.one', targetType: 'instance' }).map((e) => e.targetId)).toEqual(['i1']);
    const future = new Date(Date.now() + 60_000);
    expect(listAudit({ app: 'ai.filter.one', from: future })).toEqual([]);
    expect(listAudit({ app: 'ai.filter.one', to: future }).length).toBe(2);
  });
});

describe('audit page filters and links', () => {
  it('reads the search parameters, ignoring malformed ones, with an inclusive "to" day', () => {
    const f = auditFilterFrom({ actor: ' bob ', kind: 'token', app: 'x', from: '2026-01-02', to: '2026-01-03', before: '42' });
    expect(f.active).toBe(true);
    expect(f.query).toMatchObject({ actor: 'bob', targetType: 'token', app: 'x', before: 42 });
    expect(f.query.from?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(f.query.to?.toISOString()).toBe('2026-01-04T00:00:00.000Z');
    const bad = auditFilterFrom({ kind: 'nonsense', from: 'yesterday', before: 'x' });
    expect(bad).toMatchObject({ active: false, values: { kind: '', from: '' }, query: { targetType: undefined, from: undefined, before: undefined } });
  });

  it('links an entry to the app version, the instance or the user', () => {
    expect(auditTargetUrl({ targetType: 'app', targetId: 'a', details: { name: 'churn', version: '1.2.0' } })).toBe('/apps/churn/1.2.0');
    expect(auditTargetUrl({ targetType: 'instance', targetId: 'i-1', details: {} })).toBe('/instances/i-1');
    expect(auditTargetUrl({ targetType: 'user', targetId: 'u1', details: {} })).toBe('/admin/users#user-u1');
    expect(auditTargetUrl({ targetType: 'user', targetId: 'u1', details: { email: 'a+b@x.test' } })).toBe('/admin/users?q=a%2Bb%40x.test#user-u1');
    expect(auditTargetUrl({ targetType: 'secret', targetId: 's', details: {} })).toBeNull();
  });
});
