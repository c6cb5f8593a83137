// "What this app needs", shown to its owner and administrators only: secrets (and whether they are there),
// [[Env]] names, [[File]] paths, a volume and OIDC.
import Link from 'next/link';
import type { AppRequirements, SecretNeed, ValueNeed } from '@/lib/apps/requirements';
import { mySecretsUrl } from '@/lib/urls';

function SecretStatus({ need }: { need: SecretNeed }) {
  if (need.status.missing) {
    return (
      <span className="text-red-800">
        missing:{' '}
        <Link prefetch={false} href={mySecretsUrl({ name: need.name, keys: need.keys })} className="underline">
          create it on My secrets
        </Link>
      </span>
    );
  }
  if (need.status.lacking.length > 0) {
    return (
      <span className="text-red-800">
        lacks {need.status.lacking.join(', ')}:{' '}
        <Link prefetch={false} href={mySecretsUrl()} className="underline">
          My secrets
        </Link>
      </span>
    );
  }
  return <span className="text-green-800">there</span>;
}

function source(v: ValueNeed): string {
  if (v.source.kind === 'secret') return `secret ${v.source.secret}${v.source.key ? ` / ${v.source.key}` : ''}`;
  return v.source.kind === 'value' ? 'value in app.toml' : 'no value';
}

function ValueList({ label, values }: { label: string; values: ValueNeed[] }) {
  return (
    <div>
      <h3 className="font-medium text-gray-900">{label}</h3>
      {values.length === 0 ? (
        <p className="text-gray-700">none</p>
      ) : (
        <ul className="space-y-0.5">
          {values.map((v, i) => (
            <li key={i} className="break-all">
              <code>{v.target}</code> <span className="text-gray-700">← {source(v)}{v.optional ? ' (optional)' : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function AppRequirementsPanel({ needs }: { needs: AppRequirements }) {
  return (
    <section aria-labelledby="needs-heading" className="rounded-lg border border-gray-200 bg-white p-4" data-testid="app-needs">
      <h2 id="needs-heading" className="text-base font-semibold">
        What this app needs
      </h2>
      <p className="mb-2 text-xs text-gray-700">Shown to its owner and administrators only.</p>
      <div className="space-y-3 text-sm">
        <div>
          <h3 className="font-medium text-gray-900">Secrets</h3>
          {needs.secrets.length === 0 ? (
            <p className="text-gray-700">none</p>
          ) : (
            <ul className="space-y-1" data-testid="app-needs-secrets">
              {needs.secrets.map((s) => (
                <li key={s.name} className="break-words">
                  <code>{s.name}</code>
                  {s.keys.length > 0 && <span className="text-gray-700"> keys {s.keys.join(', ')}</span>}
                  {s.optional && <span className="text-gray-700"> (optional)</span>} · <SecretStatus need={s} />
                </li>
              ))}
            </ul>
          )}
        </div>
        <ValueList label="Environment variables ([[Env]])" values={needs.env} />
        <ValueList label="Files ([[File]])" values={needs.files} />
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          <dt className="font-medium text-gray-900">Volume</dt>
          <dd className="break-all text-gray-900">{needs.volume ? `${needs.volume.mount}${needs.volume.size ? ` (${needs.volume.size})` : ''}` : 'none'}</dd>
          <dt className="font-medium text-gray-900">OIDC</dt>
          <dd className="text-gray-900">{needs.oidc ? 'yes (Runtime.EnableOIDC: Wave set up with OIDC sign-in)' : 'no'}</dd>
        </dl>
      </div>
    </section>
  );
}
