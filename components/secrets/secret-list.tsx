// Secrets as cards: name, visibility, owner and keys with a masked value. Editing controls appear only
// where the viewer may edit; the actions check again on the server.
import type { SecretSummary } from '@/lib/secrets/store';
import { DeleteSecretButton, RemoveKeyButton, SetKeyForm, type SecretKeyActions } from './secret-forms';
import { formatUtc } from '@/lib/format';

const MASK = '••••••••';

function VisibilityBadge({ secret }: { secret: SecretSummary }) {
  const style =
    secret.visibility === 'PRIVATE'
      ? 'bg-gray-100 text-gray-900'
      : secret.visibility === 'ALL_USERS'
        ? 'bg-green-100 text-green-900'
        : 'bg-purple-100 text-purple-900';
  return (
    <span className={`rounded px-2 py-0.5 text-xs font-medium ${style}`}>
      {secret.visibility}
      {secret.appName ? ` · ${secret.appName}` : ''}
    </span>
  );
}

export function SecretList({
  secrets,
  canEdit,
  showOwner = false,
  empty,
  actions,
}: {
  secrets: SecretSummary[];
  canEdit: (secret: SecretSummary) => boolean;
  actions: SecretKeyActions;
  showOwner?: boolean;
  empty: string;
}) {
  if (secrets.length === 0) return <p className="text-sm text-gray-700">{empty}</p>;
  return (
    <ul className="space-y-4">
      {secrets.map((secret) => {
        const editable = canEdit(secret);
        return (
          <li
            key={secret.id}
            className="rounded-lg border border-gray-200 bg-white p-4"
            data-testid="secret-row"
            aria-labelledby={`secret-${secret.id}`}
          >
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
              <h3 id={`secret-${secret.id}`} className="font-mono text-base font-semibold break-all">
                {secret.name}
              </h3>
              <VisibilityBadge secret={secret} />
              {showOwner && <span className="text-sm text-gray-700">owner: {secret.owner.name}</span>}
              <span className="text-xs text-gray-600">updated {formatUtc(secret.updatedAt)}</span>
            </div>
            <table className="mt-3 w-full text-left text-sm">
              <caption className="sr-only">Keys of {secret.name}</caption>
              <thead>
                <tr className="border-b border-gray-200 text-gray-700">
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Key
                  </th>
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Value
                  </th>
                  {editable && (
                    <th scope="col" className="py-1 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {secret.keys.map(({ key }) => (
                  <tr key={key} className="border-b border-gray-100 align-top">
                    <td className="py-2 pr-4 font-mono break-all">{key}</td>
                    <td className="py-2 pr-4 font-mono text-gray-700">
                      <span aria-label="value hidden">{MASK}</span>
                    </td>
                    {editable && (
                      <td className="py-2">
                        <details>
                          <summary className="cursor-pointer text-blue-800 underline">Change</summary>
                          <div className="mt-2 space-y-2">
                            <SetKeyForm secretId={secret.id} secretName={secret.name} keyName={key} setKey={actions.setKey} />
                            <RemoveKeyButton secretId={secret.id} secretName={secret.name} keyName={key} removeKey={actions.removeKey} />
                          </div>
                        </details>
                      </td>
                    )}
                  </tr>
                ))}
                {secret.keys.length === 0 && (
                  <tr>
                    <td colSpan={3} className="py-2 text-gray-700">
                      No keys yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
            {editable && (
              <div className="mt-3 space-y-3">
                <details>
                  <summary className="cursor-pointer text-sm text-blue-800 underline">Add a key</summary>
                  <div className="mt-2">
                    <SetKeyForm secretId={secret.id} secretName={secret.name} setKey={actions.setKey} />
                  </div>
                </details>
                <DeleteSecretButton secretId={secret.id} secretName={secret.name} deleteSecret={actions.deleteSecret} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
