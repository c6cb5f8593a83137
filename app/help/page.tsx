// The short guide the footer and the first-run panel link to: what a bundle is, a minimal app.toml, the
// rollout, and the appstore CLI with this portal's address filled in.
import type { Metadata } from 'next';
import Link from 'next/link';
import { publicUrl } from '@/lib/config';

export const metadata: Metadata = { title: 'Help' };

const pre = 'overflow-x-auto rounded-md bg-gray-100 p-3 text-sm text-gray-900';

const MINIMAL_TOML = `[App]
Name = "ai.example.my-app"     # machine name: owned by its first importer
Version = "1.0.0"              # semver; each Version is imported once
Title = "My app"
Description = "One line for the catalog card"
LongDescription = "about.md"   # Markdown shown on the app's page
Tags = ["data-science"]        # existing tags: categories, badges

[Runtime]
Module = "app.main"            # the Python module Wave runs
RuntimeVersion = "deb11_py310_wlatest"   # omit for the default

[[Env]]
Name = "DB_PASSWORD"
Secret = "my-db"               # a secret from My secrets
SecretKey = "password"`;

export default function HelpPage() {
  const url = publicUrl() || 'https://your-portal.example.com';
  return (
    <main id="main" className="mx-auto max-w-3xl space-y-8 px-4 py-6">
      <h1 className="text-2xl font-semibold">Help: publishing an app</h1>

      <section aria-labelledby="help-bundle" className="space-y-3">
        <h2 id="help-bundle" className="text-lg font-semibold">
          The bundle
        </h2>
        <p>
          An app is a zip archive, usually named <code>&lt;Name&gt;.&lt;Version&gt;.wave</code>, holding <code>app.toml</code>{' '}
          (required), <code>static/</code> with the icon (<code>static/icon.png</code>) and screenshots (
          <code>static/screenshot1.png</code>, …), <code>requirements.txt</code> (pip), <code>packages.txt</code> (Debian
          packages), an optional <code>.appignore</code> and the source code. A minimal <code>app.toml</code>:
        </p>
        <pre className={pre} tabIndex={0} role="region" aria-label="A minimal app.toml">
          {MINIMAL_TOML}
        </pre>
        <p>
          Keys match regardless of case, unknown ones are warnings, and every problem is reported at once. The legacy{' '}
          <code>Category</code> attribute is matched to a category tag on import.
        </p>
      </section>

      <section aria-labelledby="help-rollout" className="space-y-3">
        <h2 id="help-rollout" className="text-lg font-semibold">
          From import to the catalog
        </h2>
        <ol className="list-decimal space-y-1 pl-6">
          <li>
            <Link prefetch={false} href="/my-apps/import" className="text-blue-800 underline">
              Import the bundle
            </Link>
            : it arrives PRIVATE (only you and administrators see it). Create the secrets it names on{' '}
            <Link prefetch={false} href="/my-secrets" className="text-blue-800 underline">
              My secrets
            </Link>{' '}
            first.
          </li>
          <li>Run it from its page and try it.</li>
          <li>
            Publish it from{' '}
            <Link prefetch={false} href="/my-apps" className="text-blue-800 underline">
              My Apps
            </Link>{' '}
            (visibility ALL_USERS) and add tags. To change an app, import a new Version.
          </li>
        </ol>
      </section>

      <section aria-labelledby="help-cli" className="space-y-3">
        <h2 id="help-cli" className="text-lg font-semibold">
          The appstore CLI
        </h2>
        <p>
          From a checkout of the portal, <code>npx appstore</code> (or <code>npm run --silent appstore --</code>):
        </p>
        <pre className={pre} tabIndex={0} role="region" aria-label="appstore commands">{`appstore bundle [DIR]                  # builds <Name>.<Version>.wave, honouring .appignore
appstore validate my-app.1.0.0.wave   # every problem an offline check can find
appstore login --url ${url}
appstore import my-app.1.0.0.wave     # imports it PRIVATE
appstore app list --mine
appstore app update ai.example.my-app -v ALL_USERS
appstore secret create my-db --from-literal password=…
appstore env runtime-version list`}</pre>
        <p>
          Every command takes <code>--json</code>; API tokens for scripts are on{' '}
          <Link prefetch={false} href="/account/tokens" className="text-blue-800 underline">
            API tokens
          </Link>
          . The portal&apos;s README describes every command, the REST API (<code>/api/v1</code>) and the app.toml rules.
        </p>
      </section>
    </main>
  );
}
