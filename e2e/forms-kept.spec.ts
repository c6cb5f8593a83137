// Issue 16, bug 3: a form refused by the server keeps every typed value (passwords excepted) and puts
// focus on the first field in error.
import { expect, test } from '@playwright/test';
import { createUser, E2E_ADMIN, signIn, unique } from './helpers';

test.beforeEach(async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
});

test('Create user with a taken e-mail keeps the name and roles, empties the password, focuses the e-mail', async ({ page, request }) => {
  const existing = await createUser(request);
  await page.goto('/admin/users');
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Email').fill(existing.email);
  await form.getByLabel('Name').fill('Second person');
  await form.getByLabel('Initial password').fill('a-long-enough-password');
  await form.getByLabel('Roles').fill('analyst, viewer');
  await form.getByLabel('Administrator').check();
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByText('This e-mail address is already used.')).toBeVisible();
  await expect(form.getByLabel('Email')).toBeFocused();
  await expect(form.getByLabel('Email')).toHaveValue(existing.email);
  await expect(form.getByLabel('Name')).toHaveValue('Second person');
  await expect(form.getByLabel('Roles')).toHaveValue('analyst, viewer');
  await expect(form.getByLabel('Administrator')).toBeChecked();
  await expect(form.getByLabel('Initial password')).toHaveValue('');
});

test('Create tag with an invalid name keeps every field and the Category tick, and focuses the name', async ({ page }) => {
  await page.goto('/admin/tags');
  const form = page.getByRole('form', { name: 'New tag' });
  await form.getByLabel('Name').fill('-not valid!');
  await form.getByLabel('Title').fill('Kept title');
  await form.getByLabel('Description').fill('Kept description');
  await form.getByLabel(/Category \(filterable/).check();
  await form.getByLabel('Visitor roles').fill('partners');
  await form.getByRole('button', { name: 'Create tag' }).click();
  await expect(form.getByText(/Names are letters, digits/)).toBeVisible();
  await expect(form.getByLabel('Name')).toBeFocused();
  await expect(form.getByLabel('Name')).toHaveValue('-not valid!');
  await expect(form.getByLabel('Title')).toHaveValue('Kept title');
  await expect(form.getByLabel('Description')).toHaveValue('Kept description');
  await expect(form.getByLabel(/Category \(filterable/)).toBeChecked();
  await expect(form.getByLabel('Visitor roles')).toHaveValue('partners');

  // Corrected, it is created and the form starts over.
  const name = unique('kept');
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Create tag' }).click();
  await expect(form.getByRole('status')).toHaveText(`Created ${name}.`);
  await expect(form.getByLabel('Name')).toHaveValue('');
});

test('Add runtime version with an invalid name keeps the fields and focuses the name', async ({ page }) => {
  await page.goto('/admin/runtimes');
  const form = page.getByRole('form', { name: 'New runtime version' });
  await form.getByLabel('Name').fill('Not Valid');
  await form.getByLabel('Python version').fill('3.12');
  await form.getByLabel('Note').fill('Kept note');
  await form.getByLabel('GPU runtime').check();
  await form.getByRole('button', { name: 'Add runtime version' }).click();
  await expect(form.getByText(/Use lowercase letters/)).toBeVisible();
  await expect(form.getByLabel('Name')).toBeFocused();
  await expect(form.getByLabel('Name')).toHaveValue('Not Valid');
  await expect(form.getByLabel('Python version')).toHaveValue('3.12');
  await expect(form.getByLabel('Note')).toHaveValue('Kept note');
  await expect(form.getByLabel('GPU runtime')).toBeChecked();
});
