// axe-core over the pages people use, signed in as an administrator (who sees every control), on a
// desktop and a narrow screen: no violations of any impact (labels, contrast, roles, names).
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { importApp } from './bundles';
import { asAdmin, E2E_ADMIN, signIn, unique } from './helpers';

const PAGES = ['/', '/login', '/my-apps', '/my-apps/import', '/my-secrets', '/account/tokens', '/admin/users', '/admin/tags', '/admin/apps', '/admin/runtimes', '/admin/secrets', '/admin/audit'];

for (const viewport of [
  { width: 1280, height: 900 },
  { width: 375, height: 800 },
]) {
  test(`no accessibility violations at ${viewport.width}px`, async ({ page, request }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(viewport);
    const name = unique('ai.e2e.a11y');
    await importApp(
      request,
      await asAdmin(request),
      { name, title: 'Accessible app', description: 'Checked by axe', longDescription: '### Features\n\n* one\n* [two](https://example.com)\n\n```\n' + 'a_very_long_line_of_code_that_must_scroll '.repeat(8) + '\n```\n', screenshots: 2 },
      'ALL_USERS',
    );
    const pages = [...PAGES, `/apps/${name}`];
    await page.goto('/login');
    const login = await new AxeBuilder({ page }).analyze();
    expect(login.violations.map((v) => v.id), '/login').toEqual([]);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    for (const path of pages.filter((p) => p !== '/login')) {
      await page.goto(path);
      const result = await new AxeBuilder({ page }).analyze();
      const violations = result.violations
        .map((v) => ({ impact: v.impact, id: v.id, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      expect(violations, path).toEqual([]);
    }
  });
}
