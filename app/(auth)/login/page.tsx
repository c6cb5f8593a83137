import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ActionButton } from '@/components/forms/action-button';
import { LoginForm } from '@/components/forms/login-form';
import { oidcSettings } from '@/lib/auth/oidc';
import { signInFailureMessage } from '@/lib/auth/oidc-errors';
import { safeReturnPath } from '@/lib/auth/return-path';
import { getViewer } from '@/lib/auth/viewer';
import { secondaryButtonClass } from '@/components/ui/field';
import { loginAction, providerSignInAction } from './actions';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const params = await searchParams;
  const next = safeReturnPath(params.next);
  if (await getViewer()) redirect(next);
  const oidc = oidcSettings();
  const failure = signInFailureMessage(params.error, oidc?.name ?? 'the identity provider');
  return (
    <main id="main" className="mx-auto mt-12 w-full max-w-sm px-4">
      <h1 className="mb-6 text-2xl font-semibold">Sign in to the App Store</h1>
      {failure && (
        <p role="alert" data-testid="sign-in-failure" className="mb-6 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          {failure}
        </p>
      )}
      <LoginForm next={next} login={loginAction} />
      {oidc && (
        <ActionButton action={providerSignInAction} fields={{ next }} formClassName="mt-6" className={`${secondaryButtonClass} w-full`}>
          Continue with {oidc.name}
        </ActionButton>
      )}
    </main>
  );
}
