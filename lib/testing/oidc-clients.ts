// The test OpenID provider's clients (lib/testing/oidc-provider.ts), shared with the test configuration.
export const TEST_OIDC = {
  portalClientId: 'appstore-portal',
  portalClientSecret: 'portal-client-secret-for-tests-only',
  cliClientId: 'appstore-cli',
  appClientId: 'appstore-apps',
  appClientSecret: 'apps-client-secret-for-tests-only',
  /** The resource indicator (audience) of the portal's API, for the CLI's access tokens. */
  apiAudience: 'urn:appstore:api',
};
