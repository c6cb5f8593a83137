// The sign-in throttle counts per (account, address) and per address, where the address is the TCP peer
// (TRUST_PROXY is off here): another client's guesses never lock a user out, and X-Forwarded-For is ignored.
// Requests from 127.0.0.2 and 127.0.0.3 are real connections from those loopback addresses.
import { expect, test } from '@playwright/test';
import { createUser, signIn, tokenRequest, unique } from './helpers';

test('a user signs in from their own address right after 50 failed guesses from another address', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000);
  const victim = await createUser(request, { prefix: 'victim' });
  const statuses: number[] = [];
  for (let i = 0; i < 50; i++) statuses.push(await tokenRequest(baseURL!, '127.0.0.2', { email: victim.email, password: `guess-${i}` }));
  // The attacker's own attempts are throttled after five failures...
  expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
  expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
  // ...while the victim signs in from 127.0.0.1, in the browser and through the API.
  await signIn(page, victim.email, victim.password);
  expect(await tokenRequest(baseURL!, '127.0.0.1', { email: victim.email, password: victim.password })).toBe(201);
});

test('X-Forwarded-For is not believed without TRUST_PROXY: rotating it does not escape the address limit', async ({ baseURL }) => {
  test.setTimeout(120_000);
  const statuses: number[] = [];
  // 31 guesses at different accounts, each claiming another address through the header.
  for (let i = 0; i < 31; i++) {
    const email = `${unique('nobody')}@e2e.test`;
    statuses.push(await tokenRequest(baseURL!, '127.0.0.3', { email, password: 'x' }, { 'X-Forwarded-For': `10.66.0.${i}, 127.0.0.4` }));
  }
  expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
  expect(statuses[30]).toBe(429);
  // The address named in the forged headers never failed, and is not throttled.
  expect(await tokenRequest(baseURL!, '127.0.0.4', { email: `${unique('nobody')}@e2e.test`, password: 'x' })).toBe(401);
});
