'use client';
// Run / Open / Run another / Start instance / Visit on an app page. Starting posts to the API and then
// follows the new instance's page, which shows the start-up stages and opens the app when it answers.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { buttonClass, secondaryButtonClass } from '@/components/ui/field';
import type { RunOptions } from '@/lib/instances/run-options';

export function RunControls({ appId, title, options, loginHref }: { appId: string; title: string; options: RunOptions; loginHref: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  if (options.lifecycle === 'LINK') return null;
  if (options.notRunnable) {
    return (
      <p className="max-w-xs text-sm text-gray-700" data-testid="not-runnable">
        Not runnable here: {options.notRunnable}
      </p>
    );
  }

  function start() {
    startTransition(async () => {
      setError(null);
      const response = await fetch('/api/v1/instances', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appId }),
      });
      const answer = (await response.json().catch(() => null)) as { id?: string; error?: { message?: string } } | null;
      if (response.ok && answer?.id) router.push(`/instances/${answer.id}?open=1`);
      else setError(answer?.error?.message ?? `The app could not be started (${response.status}).`);
    });
  }

  const newest = options.mine[0];
  const startLabel = options.lifecycle === 'MANAGED' ? 'Start instance' : newest ? 'Run another' : 'Run';
  return (
    <div className="flex max-w-md flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {options.visitUrl && (
          <a href={options.visitUrl} className={buttonClass}>
            Visit
          </a>
        )}
        {options.lifecycle === 'ON_DEMAND' && newest && (
          <a href={newest.url} className={buttonClass}>
            Open<span className="sr-only"> your newest instance of {title}</span>
          </a>
        )}
        {options.canStart && (
          <button type="button" onClick={start} disabled={pending} className={newest || options.visitUrl ? secondaryButtonClass : buttonClass}>
            {pending ? 'Starting…' : startLabel}
          </button>
        )}
        {options.signIn && (
          <a href={loginHref} className={buttonClass}>
            Sign in to run
          </a>
        )}
      </div>
      <p role="status" aria-live="polite" className="text-sm text-red-700">
        {error}
        {error && / \/instances/.test(error) && (
          <>
            {' '}
            <a href="/instances" className="underline">
              Open My instances
            </a>
          </>
        )}
      </p>
    </div>
  );
}
