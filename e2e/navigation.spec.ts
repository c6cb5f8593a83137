// Issue 16, bugs 5 and 6: the branded 404 page with a way back, and header menus that close like menus.
import { expect, test } from '@playwright/test';
import { E2E_ADMIN, signIn, unique } from './helpers';

const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

for (const viewport of VIEWPORTS) {
  test(`an app URL that leads nowhere says it may be private or removed, inside the portal, at ${viewport.width}px`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    for (const path of [`/apps/${unique('ai.e2e.gone')}`, `/apps/${unique('ai.e2e.gone')}/1.0.0`]) {
      expect((await page.goto(path))?.status(), path).toBe(404);
      await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
      await expect(page.getByText('it may be private, or removed')).toBeVisible();
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    }
    expect((await page.goto(`/no-such-page-${unique('x')}`))?.status()).toBe(404);
    await expect(page.getByText('it may be private, or removed')).toHaveCount(0);
    await page.getByRole('link', { name: 'Back to the catalog' }).click();
    await expect(page).toHaveURL(/\/$/);
  });
}

for (const viewport of VIEWPORTS) {
  test(`the Admin and account menus close on Escape and on an outside click, and never stay open together (${viewport.width} px)`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await page.goto('/my-apps');
    const admin = page.getByTestId('admin-menu');
    const account = page.getByTestId('account-menu');
    const adminButton = admin.locator('summary');

    await adminButton.click();
    await expect(admin.getByRole('link', { name: 'Users' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(admin.getByRole('link', { name: 'Users' })).toBeHidden();
    await expect(adminButton).toBeFocused();

    await adminButton.click();
    await expect(admin.getByRole('link', { name: 'Users' })).toBeVisible();
    // Outside the menu: on a phone the open menu covers the heading, so the click goes to the page's corner.
    await page.mouse.click(viewport.width - 5, viewport.height - 5);
    await expect(admin.getByRole('link', { name: 'Users' })).toBeHidden();

    await adminButton.click();
    await account.locator('summary').click();
    await expect(account.getByRole('link', { name: 'API tokens' })).toBeVisible();
    await expect(admin.getByRole('link', { name: 'Users' })).toBeHidden();

    // Following a link closes the menu on the next page.
    await account.getByRole('link', { name: 'API tokens' }).click();
    await expect(page).toHaveURL(/\/account\/tokens$/);
    await expect(account.getByRole('link', { name: 'API tokens' })).toBeHidden();
  });
}
