import type { Metadata } from 'next';
import { CreateSecretForm } from '@/components/secrets/secret-forms';
import { SecretList } from '@/components/secrets/secret-list';
import { createSecretAction, deleteSecretAction, removeSecretKeyAction, setSecretKeyAction } from '@/lib/secrets/actions';
import { requirePage } from '@/lib/auth/viewer';
import { canEditSecret } from '@/lib/secrets/policy';
import { listMySecrets } from '@/lib/secrets/store';

const secretKeyActions = { setKey: setSecretKeyAction, removeKey: removeSecretKeyAction, deleteSecret: deleteSecretAction };

export const metadata: Metadata = { title: 'My secrets' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** `?name=db&keys=user,password` (from an import refused for a missing secret) fills in the New private secret form. */
function prefillOf(params: Record<string, string | string[] | undefined>): { name: string; keys: string[] } | undefined {
  const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);
  const name = one(params.name)?.slice(0, 63);
  if (!name) return undefined;
  const keys = (one(params.keys) ?? '').split(',').map((k) => k.trim()).filter(Boolean).slice(0, 50);
  return { name, keys };
}

export default async function MySecretsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requirePage('fullAccess', '/my-secrets');
  const initial = prefillOf(await searchParams);
  const { own, shared } = listMySecrets(viewer);
  return (
    <main id="main" className="mx-auto max-w-5xl space-y-8 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">My secrets</h1>
        <p className="mt-1 max-w-prose text-sm text-gray-700">
          Apps read secrets through <code>[[Env]]</code> and <code>[[File]]</code> entries with <code>Secret</code> and{' '}
          <code>SecretKey</code>. Values are encrypted and write-only: once saved they are never shown again, only
          replaced.
        </p>
      </div>
      <section aria-labelledby="create-secret" className="rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="create-secret" className="mb-3 text-lg font-semibold">
          New private secret
        </h2>
        <CreateSecretForm admin={false} create={createSecretAction} initial={initial} />
      </section>
      <section aria-labelledby="own-secrets">
        <h2 id="own-secrets" className="mb-3 text-lg font-semibold">
          Private secrets ({own.length})
        </h2>
        <SecretList actions={secretKeyActions}
          secrets={own}
          canEdit={(s) => canEditSecret(viewer, { ownerId: s.owner.id, visibility: s.visibility })}
          empty="You have no private secrets yet."
        />
      </section>
      <section aria-labelledby="shared-secrets">
        <h2 id="shared-secrets" className="mb-3 text-lg font-semibold">
          Secrets for all users ({shared.length})
        </h2>
        <p className="mb-3 text-sm text-gray-700">Any app may name these; administrators manage them.</p>
        <SecretList actions={secretKeyActions} secrets={shared} canEdit={() => false} empty="There are no shared secrets." />
      </section>
    </main>
  );
}
