import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { TEST_OIDC } from './lib/testing/oidc-clients';

// Throwaway data directories per run, shared with the workers through the environment.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-e2e-'));
process.env.E2E_RESTRICTED_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-e2e-restricted-'));
process.env.E2E_OIDC_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-e2e-oidc-'));
process.env.E2E_OIDC_LOG ??= path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'appstore-e2e-oidc-log-')), 'server.log');
// The runner's sandbox users must traverse DATA_DIR to reach DATA_DIR/runner, as they do a default one (0755).
for (const dir of [process.env.E2E_DATA_DIR, process.env.E2E_RESTRICTED_DATA_DIR]) fs.chmodSync(dir, 0o711);
const PORT = Number(process.env.E2E_PORT || 3107);
export const E2E_ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password-1' };
/**
 * A second server where FULL_ACCESS_ROLE is set (visitors exist), public mode is on, bundles are limited to
 * 2 MiB, users may hold 2 instances, and it runs as if behind one reverse proxy (TRUST_PROXY).
 */
export const RESTRICTED = {
  url: `http://127.0.0.1:${PORT + 1}`,
  fullAccessRole: 'full-access',
  bundleMaxBytes: 2 * 1024 * 1024,
  instanceLimit: 2,
};
/**
 * A third server that signs in through a real OpenID provider (oidc-provider, lib/testing/oidc-provider.ts)
 * on loopback, with FULL_ACCESS_ROLE set; everything it prints goes to `log` (the tests read it for leaks).
 */
export const OIDC = {
  url: `http://127.0.0.1:${PORT + 2}`,
  issuer: `http://127.0.0.1:${PORT + 3}`,
  control: `http://127.0.0.1:${PORT + 4}`,
  log: process.env.E2E_OIDC_LOG,
  name: 'Test IdP',
  fullAccessRole: 'full-access',
  adminRole: 'portal-admin',
  refreshIntervalSeconds: 3,
};
/** DOMAIN-routed instances of the default server live at `<id>.localhost:<port>` (Chromium resolves *.localhost). */
export const APPS_DOMAIN = `localhost:${PORT}`;

const common = {
  ADMIN_EMAIL: E2E_ADMIN.email,
  ADMIN_PASSWORD: E2E_ADMIN.password,
  AUTH_SECRET: 'e2e-auth-secret-not-for-production-0123456789',
  NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? '.next',
  ALLOWED_CUSTOM_IMAGE_REGEXES: '^registry\\.e2e\\.test/.*',
};

export default defineConfig({
  testDir: './e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'off',
  },
  webServer: [
    {
      command: `node --import tsx server.ts -p ${PORT} -H 127.0.0.1`,
      url: `http://127.0.0.1:${PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: { ...common, DATA_DIR: process.env.E2E_DATA_DIR, PUBLIC_URL: `http://127.0.0.1:${PORT}`, APPS_DOMAIN: `localhost:${PORT}` },
    },
    {
      command: `node --import tsx server.ts -p ${PORT + 1} -H 127.0.0.1`,
      url: `${RESTRICTED.url}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        ...common,
        DATA_DIR: process.env.E2E_RESTRICTED_DATA_DIR,
        FULL_ACCESS_ROLE: RESTRICTED.fullAccessRole,
        PUBLIC_MODE: 'true',
        BUNDLE_MAX_BYTES: String(RESTRICTED.bundleMaxBytes),
        PUBLIC_URL: RESTRICTED.url,
        APPS_DOMAIN: `localhost:${PORT + 1}`,
        INSTANCE_LIMIT: String(RESTRICTED.instanceLimit),
        TRUST_PROXY: 'true',
      },
    },
    {
      command: `node --import tsx lib/testing/oidc-provider.ts`,
      url: `${OIDC.control}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { OIDC_TEST_PORT: String(PORT + 3), OIDC_TEST_CONTROL_PORT: String(PORT + 4), PORTAL_URLS: OIDC.url },
    },
    {
      command: `exec node --import tsx server.ts -p ${PORT + 2} -H 127.0.0.1 >> "${OIDC.log}" 2>&1`,
      url: `${OIDC.url}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        ...common,
        DATA_DIR: process.env.E2E_OIDC_DATA_DIR,
        PUBLIC_URL: OIDC.url,
        APPS_DOMAIN: `localhost:${PORT + 2}`,
        FULL_ACCESS_ROLE: OIDC.fullAccessRole,
        OIDC_ISSUER: OIDC.issuer,
        OIDC_CLIENT_ID: TEST_OIDC.portalClientId,
        OIDC_CLIENT_SECRET: TEST_OIDC.portalClientSecret,
        OIDC_NAME: OIDC.name,
        OIDC_SCOPE: 'openid profile email roles',
        OIDC_ADMIN_ROLE: OIDC.adminRole,
        OIDC_REFRESH_INTERVAL: String(OIDC.refreshIntervalSeconds),
        OIDC_CLI_CLIENT_ID: TEST_OIDC.cliClientId,
        OIDC_API_AUDIENCE: TEST_OIDC.apiAudience,
        OIDC_APP_CLIENT_ID: TEST_OIDC.appClientId,
        OIDC_APP_CLIENT_SECRET: TEST_OIDC.appClientSecret,
      },
    },
  ],
});
