import type { Metadata } from 'next';
import { CreateTokenForm, RevokeTokenForm } from '@/components/forms/token-forms';
import { listTokens } from '@/lib/auth/tokens';
import { requirePage } from '@/lib/auth/viewer';
import { formatUtc } from '@/lib/format';
import { createTokenAction, revokeTokenAction } from './actions';

export const metadata: Metadata = { title: 'API tokens' };

const when = (d: Date | null) => (d ? formatUtc(d) : 'never');

export default async function TokensPage() {
  const viewer = await requirePage('viewer', '/account/tokens');
  const tokens = listTokens(viewer.id);
  return (
    <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">API tokens</h1>
      <p className="text-gray-700">
        Tokens let the <code>appstore</code> CLI and scripts act as you (<code>Authorization: Bearer …</code>). Revoke
        any you no longer use.
      </p>
      <section className="rounded-lg border border-gray-200 bg-white p-4">
        <CreateTokenForm createToken={createTokenAction} />
      </section>
      <section aria-labelledby="your-tokens">
        <h2 id="your-tokens" className="mb-2 text-lg font-semibold">
          Your tokens
        </h2>
        {tokens.length === 0 ? (
          <p className="text-gray-700">You have no tokens.</p>
        ) : (
          <ul className="divide-y divide-gray-200 rounded-lg border border-gray-200 bg-white">
            {tokens.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-3 p-3" data-testid="token-row">
                <div>
                  <p className="font-medium">{t.name}</p>
                  <p className="text-xs text-gray-600">
                    <code>{t.prefix}…</code> · created {when(t.createdAt)} · last used {when(t.lastUsedAt)}
                  </p>
                </div>
                <RevokeTokenForm id={t.id} name={t.name} revokeToken={revokeTokenAction} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
