'use client';
// Run / Open / Run another / Start instance / Visit on an app page. Starting posts to the API and then
// follows the new instance's page, which shows the start-up stages and opens the app when it answers.
// A MANAGED app's instance is started for others: its starter picks who may open it (ALL_USERS first).
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { buttonClass, secondaryButtonClass } from '@/components/ui/field';
import type { RunOptions } from '@/lib/instances/run-options';

const VISIBILITY_LABEL: Record<string, string> = {
  ALL_USERS: 'Open to all users',
  PUBLIC: 'Open to anyone with the URL',
  PRIVATE: 'Only me',
};

export function RunControls({ appId, title, options, loginHref }: { appId: string; title: string; options: RunOptions; loginHref: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const managed = options.lifecycle === 'MANAGED';
  const [visibility, setVisibility] = useState<string>(options.visibilities.includes('ALL_USERS') ? 'ALL_USERS' : (options.visibilities[0] ?? 'PRIVATE'));
  const visibilityId = useId();

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
        body: JSON.stringify(managed ? { appId, visibility } : { appId }),
      });
      const answer = (await response.json().catch(() => null)) as { id?: string; error?: { message?: string } } | null;
      if (response.ok && answer?.id) router.push(`/instances/${answer.id}?open=1`);
      else setError(answer?.error?.message ?? `The app could not be started (${response.status}).`);
    });
  }

  const newest = options.mine[0];
  const startLabel = managed ? 'Start instance' : newest ? 'Run another' : 'Run';
  const notRunning = managed && !options.visitUrl && !options.canStart;
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
        {notRunning && (
          <p className="text-sm font-medium text-gray-800" data-testid="not-running">
            Not running: no instance of this app is running for you now. Its owner starts it.
          </p>
        )}
        {managed && options.canStart && options.visibilities.length > 1 && (
          <label htmlFor={visibilityId} className="text-sm">
            <span className="sr-only">Who may open the instance</span>
            <select
              id={visibilityId}
              value={visibility}
              onChange={(e) => setVisibility(e.target.value)}
              className="rounded-md border border-gray-400 bg-white px-2 py-2"
            >
              {options.visibilities.map((v) => (
                <option key={v} value={v}>
                  {VISIBILITY_LABEL[v] ?? v}
                </option>
              ))}
            </select>
          </label>
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
