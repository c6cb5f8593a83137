import { expect, test } from '@playwright/test';
import { asAdmin, createUser, E2E_ADMIN, signIn, unique } from './helpers';

test('a user signs in, sees their name in the header, and signs out', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await expect(page.getByTestId('signed-in-as')).toHaveText(user.name);
  await page.getByTestId('signed-in-as').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/account/tokens');
  await expect(page).toHaveURL(/\/login/);
});

test('a wrong password is refused with a clear message', async ({ page, request }) => {
  const user = await createUser(request);
  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toHaveText('Wrong e-mail or password.');
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
});

test('repeated wrong passwords are throttled', async ({ request }) => {
  const user = await createUser(request);
  for (let i = 0; i < 5; i++) {
    const res = await request.post('/api/v1/auth/token', { data: { email: user.email, password: 'wrong' } });
    expect(res.status()).toBe(401);
  }
  const res = await request.post('/api/v1/auth/token', { data: { email: user.email, password: user.password } });
  expect(res.status()).toBe(429);
  expect((await res.json()).error.message).toMatch(/Too many failed sign-in attempts/);
});

test('a non-admin is refused /admin/users', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  const response = await page.goto('/admin/users');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Users' })).toHaveCount(0);
  const api = await request.get('/api/v1/users', { headers: { Cookie: '' } });
  expect(api.status()).toBe(401);
});

test('an admin creates a user who then signs in', async ({ page, browser }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto('/admin/users');
  const name = unique('created');
  const section = page.getByRole('region', { name: 'Create a user' });
  await section.getByLabel('Email').fill(`${name}@e2e.test`);
  await section.getByLabel('Name').fill(name);
  await section.getByLabel('Initial password').fill('initial-password-1');
  await section.getByLabel('Roles').fill('data-science, finance');
  await section.getByRole('button', { name: 'Create user' }).click();
  await expect(section.getByRole('status')).toHaveText(`Created ${name}@e2e.test.`);
  await expect(page.getByTestId('user-row').filter({ hasText: name })).toContainText('roles: data-science, finance');

  const context = await browser.newContext();
  const other = await context.newPage();
  await signIn(other, `${name}@e2e.test`, 'initial-password-1');
  await expect(other.getByTestId('signed-in-as')).toHaveText(name);
  await context.close();
});

test('a disabled user is thrown out on the next request', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/account/tokens');
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  const res = await request.patch(`/api/v1/users/${user.id}`, { headers: await asAdmin(request), data: { disabled: true } });
  expect(res.status()).toBe(200);
  await page.goto('/account/tokens');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
});

test('a user creates and revokes an API token', async ({ page, request }) => {
  const user = await createUser(request);
  await signIn(page, user.email, user.password);
  await page.goto('/account/tokens');
  await page.getByLabel('Token name').fill('laptop');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByLabel('New token').inputValue();
  expect(token).toMatch(/^ast_/);
  const ok = await request.get('/api/v1/auth/whoami', { headers: { Authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).email).toBe(user.email);
  await page.getByRole('button', { name: 'Revoke laptop' }).click();
  await expect(page.getByTestId('token-row')).toHaveCount(0);
  const revoked = await request.get('/api/v1/auth/whoami', { headers: { Authorization: `Bearer ${token}` } });
  expect(revoked.status()).toBe(401);
});
