import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/forms/login-form';
import { oidcSettings } from '@/lib/auth/oidc';
import { safeReturnPath } from '@/lib/auth/return-path';
import { getViewer } from '@/lib/auth/viewer';
import { signIn } from '@/lib/auth/next-auth';
import { secondaryButtonClass } from '@/components/ui/field';
import { loginAction } from './actions';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeReturnPath((await searchParams).next);
  if (await getViewer()) redirect(next);
  const oidc = oidcSettings();
  return (
    <main id="main" className="mx-auto mt-12 w-full max-w-sm px-4">
      <h1 className="mb-6 text-2xl font-semibold">Sign in to the App Store</h1>
      <LoginForm next={next} login={loginAction} />
      {oidc && (
        <form
          className="mt-6"
          action={async () => {
            'use server';
            await signIn('oidc', { redirectTo: next });
          }}
        >
          <button type="submit" className={`${secondaryButtonClass} w-full`}>
            Sign in with {oidc.name}
          </button>
        </form>
      )}
    </main>
  );
}
