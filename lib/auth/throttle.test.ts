import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { signInThrottle } from '@/db/schema';
import { insertUser, useTempDataDir } from '@/lib/testing/db';
import { authenticate } from './credentials';
import { hashPassword } from './password';
import { beginAttempt, BASE_DELAY_MS, delayAfter, failuresOf, MAX_DELAY_MS, retryAfterMs, throttleKeys } from './throttle';
import { setEnv } from '@/lib/testing/env';
import { listAudit } from '@/lib/audit/audit';

useTempDataDir();
const PASSWORD = 'the-right-password-1';
let victim = '';

beforeAll(async () => {
  victim = insertUser({ email: 'victim@test', passwordHash: await hashPassword(PASSWORD) }).email;
});
afterEach(() => {
  getDb().delete(signInThrottle).run();
  setEnv({ SIGNIN_FAILURES_PER_ACCOUNT: undefined });
});

describe('sign-in throttle escalation', () => {
  it('allows 5 failures per (account, address), then waits 30 s, doubling, up to 15 minutes', () => {
    expect([0, 1, 2, 3, 4].map((n) => delayAfter(5, n))).toEqual([0, 0, 0, 0, 0]);
    expect(delayAfter(5, 5)).toBe(30_000);
    expect(delayAfter(5, 6)).toBe(60_000);
    expect(delayAfter(5, 7)).toBe(120_000);
    expect(delayAfter(5, 9)).toBe(480_000);
    expect(delayAfter(5, 10)).toBe(MAX_DELAY_MS);
    expect(delayAfter(5, 1000)).toBe(15 * 60_000);
  });

  it('counts real attempts: the sixth within the window waits 30 s, then 60 s after the next failure', async () => {
    const keys = throttleKeys('someone@test', '10.0.0.1');
    let now = 1_000_000_000_000;
    for (let i = 0; i < 5; i++) expect(beginAttempt(keys, now)).toBe(0);
    expect(beginAttempt(keys, now)).toBe(BASE_DELAY_MS);
    expect(retryAfterMs(keys, now + 10_000)).toBe(BASE_DELAY_MS - 10_000);
    // A throttled attempt is not counted.
    expect(failuresOf(keys[0])).toBe(5);
    now += BASE_DELAY_MS;
    expect(beginAttempt(keys, now)).toBe(0);
    expect(retryAfterMs(keys, now)).toBe(2 * BASE_DELAY_MS);
    for (let i = 0; i < 20; i++) {
      now += MAX_DELAY_MS;
      expect(beginAttempt(keys, now)).toBe(0);
    }
    expect(retryAfterMs(keys, now)).toBe(MAX_DELAY_MS);
  });

  it('throttles one address after 30 failures over any accounts, and an account after its account-wide limit', () => {
    for (let i = 0; i < 30; i++) expect(beginAttempt(throttleKeys(`a${i}@test`, '10.0.0.2'))).toBe(0);
    expect(beginAttempt(throttleKeys('fresh@test', '10.0.0.2'))).toBeGreaterThan(0);
    expect(beginAttempt(throttleKeys('fresh@test', '10.0.0.3'))).toBe(0);

    setEnv({ SIGNIN_FAILURES_PER_ACCOUNT: '8' });
    for (let i = 0; i < 8; i++) expect(beginAttempt(throttleKeys('spread@test', `10.1.0.${i}`))).toBe(0);
    expect(beginAttempt(throttleKeys('spread@test', '10.1.1.1'))).toBeGreaterThan(0);
  });
});

describe('IPv6 clients', () => {
  it('are counted by their /64: fresh addresses from one /64 do not get fresh guesses, another /64 does', () => {
    // 30 failures over any accounts, each from another address of 2001:db8:1:2::/64.
    for (let i = 0; i < 30; i++) expect(beginAttempt(throttleKeys(`v6-${i}@test`, `2001:db8:1:2::${(i + 1).toString(16)}`))).toBe(0);
    expect(beginAttempt(throttleKeys('fresh@test', '2001:db8:1:2:ffff:ffff:ffff:fffe'))).toBeGreaterThan(0);
    expect(beginAttempt(throttleKeys('fresh@test', '2001:db8:1:3::1'))).toBe(0);
    expect(failuresOf({ kind: 'address', key: '2001:db8:1:2::/64' })).toBe(30);
  });

  it('guessing one account from many addresses of one /64 stops at the per-address limit', async () => {
    for (let i = 0; i < 5; i++) expect(await authenticate(victim, `guess-${i}`, `2001:db8:9:9::${i + 1}`)).toMatchObject({ reason: 'invalid' });
    expect(await authenticate(victim, PASSWORD, '2001:db8:9:9:abcd::1')).toMatchObject({ ok: false, reason: 'throttled' });
    expect((await authenticate(victim, PASSWORD, '2001:db8:9:a::1')).ok).toBe(true);
  });

  it('an IPv4-mapped IPv6 address is counted as its IPv4 address', () => {
    for (let i = 0; i < 5; i++) expect(beginAttempt(throttleKeys('mapped@test', i % 2 ? '::ffff:192.0.2.77' : '192.0.2.77'))).toBe(0);
    expect(beginAttempt(throttleKeys('mapped@test', '::ffff:c000:24d'))).toBeGreaterThan(0);
    expect(failuresOf({ kind: 'accountAddress', key: 'mapped@test|192.0.2.77' })).toBe(5);
  });
});

describe('authenticate', () => {
  it("an attacker's failures from one address never stop the user signing in from another", async () => {
    for (let i = 0; i < 50; i++) await authenticate(victim, `guess-${i}`, '203.0.113.9');
    expect(failuresOf({ kind: 'accountAddress', key: `${victim}|203.0.113.9` })).toBe(5);
    const fromAttacker = await authenticate(victim, PASSWORD, '203.0.113.9');
    expect(fromAttacker).toMatchObject({ ok: false, reason: 'throttled' });
    const result = await authenticate(victim, PASSWORD, '198.51.100.7');
    expect(result.ok).toBe(true);
  });

  it('counts 40 parallel wrong guesses atomically: no more failures than the limit are recorded', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => authenticate(victim, `parallel-${i}`, '192.0.2.40')));
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(35);
    expect(failuresOf({ kind: 'accountAddress', key: `${victim}|192.0.2.40` })).toBe(5);
    expect(failuresOf({ kind: 'account', key: victim })).toBe(5);
  });

  it('a successful sign-in is not counted as a failure and clears the account counters', async () => {
    for (let i = 0; i < 4; i++) await authenticate(victim, 'wrong', '192.0.2.50');
    expect((await authenticate(victim, PASSWORD, '192.0.2.50')).ok).toBe(true);
    expect(failuresOf({ kind: 'accountAddress', key: `${victim}|192.0.2.50` })).toBe(0);
    expect(failuresOf({ kind: 'account', key: victim })).toBe(0);
    expect(failuresOf({ kind: 'address', key: '192.0.2.50' })).toBe(4);
  });

  it('audits a lockout once, when the failure reaching the limit is made, not for each refused attempt', async () => {
    const lockouts = () => listAudit({ targetType: 'sign_in', targetId: victim });
    const before = lockouts().length;
    for (let i = 0; i < 4; i++) await authenticate(victim, 'wrong', '192.0.2.60');
    expect(lockouts()).toHaveLength(before);
    await authenticate(victim, 'wrong', '192.0.2.60');
    for (let i = 0; i < 10; i++) expect(await authenticate(victim, 'wrong', '192.0.2.60')).toMatchObject({ reason: 'throttled' });
    const entries = lockouts();
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]).toMatchObject({
      action: 'sign-in.locked',
      actor: null,
      details: { account: victim, address: '192.0.2.60', scopes: [{ scope: 'accountAddress', failures: 5 }] },
    });
  });

  it('a right password on the attempt that reaches the limit locks nothing and is not audited', async () => {
    const before = listAudit({ targetType: 'sign_in' }).length;
    for (let i = 0; i < 4; i++) await authenticate(victim, 'wrong', '192.0.2.61');
    expect((await authenticate(victim, PASSWORD, '192.0.2.61')).ok).toBe(true);
    expect(listAudit({ targetType: 'sign_in' })).toHaveLength(before);
  });

  it('audits 40 parallel guesses that lock an account as one entry', async () => {
    const before = listAudit({ targetType: 'sign_in' }).length;
    await Promise.all(Array.from({ length: 40 }, (_, i) => authenticate(victim, `parallel-${i}`, '192.0.2.62')));
    expect(listAudit({ targetType: 'sign_in' })).toHaveLength(before + 1);
  });
});
