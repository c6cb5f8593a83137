import type { Metadata } from 'next';
import { CreateSecretForm } from '@/components/secrets/secret-forms';
import { SecretList } from '@/components/secrets/secret-list';
import { createSecretAction, deleteSecretAction, removeSecretKeyAction, setSecretKeyAction } from '@/lib/secrets/actions';
import { requirePage } from '@/lib/auth/viewer';
import { listVisibleSecrets } from '@/lib/secrets/store';

const secretKeyActions = { setKey: setSecretKeyAction, removeKey: removeSecretKeyAction, deleteSecret: deleteSecretAction };

export const metadata: Metadata = { title: 'Secrets' };

export default async function AdminSecretsPage() {
  const viewer = await requirePage('admin', '/admin/secrets');
  const secrets = listVisibleSecrets(viewer);
  const groups = [
    { id: 'all-users', title: 'ALL_USERS secrets', items: secrets.filter((s) => s.visibility === 'ALL_USERS') },
    { id: 'app', title: 'APP secrets', items: secrets.filter((s) => s.visibility === 'APP') },
    { id: 'private', title: 'PRIVATE secrets of all users', items: secrets.filter((s) => s.visibility === 'PRIVATE') },
  ];
  return (
    <main id="main" className="mx-auto max-w-5xl space-y-8 px-4 py-6">
      <h1 className="text-2xl font-semibold">Secrets</h1>
      <section aria-labelledby="create-secret" className="rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="create-secret" className="mb-3 text-lg font-semibold">
          New secret
        </h2>
        <CreateSecretForm admin create={createSecretAction} />
      </section>
      {groups.map((g) => (
        <section key={g.id} aria-labelledby={g.id}>
          <h2 id={g.id} className="mb-3 text-lg font-semibold">
            {g.title} ({g.items.length})
          </h2>
          <SecretList actions={secretKeyActions} secrets={g.items} canEdit={() => true} showOwner empty="None." />
        </section>
      ))}
    </main>
  );
}
