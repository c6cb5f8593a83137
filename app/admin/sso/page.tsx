import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/viewer';
import { oidcOverview, providerAnswer } from '@/lib/auth/oidc-status';

export const metadata: Metadata = { title: 'Single sign-on · Admin' };

export default async function AdminSsoPage() {
  await requirePage('admin', '/admin/sso');
  const overview = oidcOverview();
  const answer = overview ? await providerAnswer() : null;
  const rows: [string, string][] = overview
    ? [
        ['Issuer', overview.issuer],
        ['Button label', overview.name],
        ['Client ID', overview.clientId],
        ['Redirect URI to register', overview.redirectUri],
        ['Scopes asked for', overview.scope],
        ['Roles claim path', overview.rolesClaim],
        ['Claim naming the user', overview.subjectClaim],
        ['Administrator role', overview.adminRole],
        ['Full-access role', overview.fullAccessRole || '(not set: every signed-in user has full access)'],
        ['Roles read again every', `${overview.refreshIntervalSeconds} s`],
        ['CLI client ID (device flow or loopback redirect)', overview.cliClientId ?? '(not set: appstore login --sso is off)'],
        ['API audience of CLI tokens', overview.apiAudience ?? '—'],
        ...(overview.cliClientId
          ? ([
              ['Claim naming the user in CLI tokens', overview.cliSubjectClaim ?? '—'],
              ['CLI scopes', overview.cliScope ?? `the scopes above, with resource=${overview.apiAudience}`],
            ] as [string, string][])
          : []),
        ['Client ID for apps (EnableOIDC)', overview.appClientId ?? '(not set: apps get no OIDC settings)'],
      ]
    : [];
  return (
    <main id="main" className="mx-auto max-w-5xl space-y-6 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">Single sign-on</h1>
        <p className="mt-1 max-w-prose text-sm text-gray-700">
          The OpenID Connect settings in effect, read from the environment at start-up (client secrets are never shown).
        </p>
      </div>
      {!overview ? (
        <p data-testid="sso-off">
          Single sign-on is off: set <code>OIDC_ISSUER</code>, <code>OIDC_CLIENT_ID</code> and <code>OIDC_CLIENT_SECRET</code> to switch it on.
        </p>
      ) : (
        <>
          <section aria-labelledby="provider-heading" className="space-y-2 rounded-lg border border-gray-200 bg-white p-4">
            <h2 id="provider-heading" className="text-lg font-semibold">
              Provider
            </h2>
            {answer?.ok ? (
              <p data-testid="provider-status" className="text-green-800">
                The provider answers its discovery document.{' '}
                {answer.endSession ? 'It advertises an end_session_endpoint: sign-out also ends its session.' : 'It advertises no end_session_endpoint: sign-out ends the portal session only.'}{' '}
                {answer.deviceAuthorization ? 'It supports the device authorization grant (appstore login --sso).' : 'It does not advertise the device authorization grant: appstore login --sso signs in through a loopback redirect.'}
              </p>
            ) : (
              <p data-testid="provider-status" className="font-medium text-red-800">
                The provider does not answer: {answer?.problem}
              </p>
            )}
          </section>
          <table className="w-full border-collapse text-left text-sm">
            <caption className="sr-only">OpenID Connect settings</caption>
            <tbody>
              {rows.map(([label, value]) => (
                <tr key={label} className="border-b border-gray-200">
                  <th scope="row" className="w-64 py-2 pr-4 font-medium">
                    {label}
                  </th>
                  <td className="py-2 font-mono break-all">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
