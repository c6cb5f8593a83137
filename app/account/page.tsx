import type { Metadata } from 'next';
import Link from 'next/link';
import { SignOutEverywhereForm } from '@/components/forms/sign-out-everywhere-form';
import { requirePage } from '@/lib/auth/viewer';
import { signOutEverywhereAction } from './actions';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const viewer = await requirePage('viewer', '/account');
  return (
    <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-6">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-lg border border-gray-200 bg-white p-4 text-sm">
        <dt className="font-medium">Name</dt>
        <dd className="break-words">{viewer.name}</dd>
        <dt className="font-medium">E-mail</dt>
        <dd className="break-all">{viewer.email}</dd>
      </dl>
      <p>
        <Link prefetch={false} href="/account/tokens" className="text-blue-800 underline">
          API tokens
        </Link>{' '}
        for the <code>appstore</code> CLI and scripts.
      </p>
      <section aria-labelledby="sign-out-everywhere" className="space-y-3 rounded-lg border border-gray-200 bg-white p-4">
        <h2 id="sign-out-everywhere" className="text-lg font-semibold">
          Sign out everywhere
        </h2>
        <p className="text-gray-700">
          Ends every session of your account, on every browser and device, this one included, and revokes all your
          API tokens. Use it when a device was lost or a token leaked; then sign in again.
        </p>
        <SignOutEverywhereForm signOutEverywhere={signOutEverywhereAction} />
      </section>
    </main>
  );
}
