'use client';
// An instance's status, live: the start-up stages while PENDING, the idle countdown while DEPLOYED, the
// reason when FAILED. With `openWhenReady` it opens the app as soon as it answers.
import { useEffect, useState } from 'react';
import type { InstanceJson } from '@/lib/instances/present';
import { InstanceActions, type InstanceActionRights } from './instance-actions';
import { countdown } from './suspend-countdown';

const STAGES = [
  ['SOURCING', 'Sourcing the app bundle'],
  ['INSTALLING', 'Installing dependencies'],
  ['STARTING', 'Starting the app'],
] as const;


export function InstanceStatus({
  initial,
  rights,
  openWhenReady,
}: {
  initial: InstanceJson;
  rights: InstanceActionRights;
  openWhenReady: boolean;
}) {
  const [instance, setInstance] = useState(initial);
  const [now, setNow] = useState(() => Date.now());
  const [gone, setGone] = useState(false);

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      setNow(Date.now());
      const response = await fetch(`/api/v1/instances/${initial.id}`, { cache: 'no-store' }).catch(() => null);
      if (stop || !response) return;
      if (response.status === 404) return setGone(true);
      if (!response.ok) return;
      const next = (await response.json()) as InstanceJson;
      setInstance(next);
      if (openWhenReady && next.status === 'DEPLOYED') window.location.replace(next.url);
    };
    const timer = setInterval(tick, 1000);
    void tick();
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [initial.id, openWhenReady]);

  if (gone) return <p role="status">This instance has been terminated.</p>;
  const reached = STAGES.findIndex(([stage]) => stage === instance.stage);
  const left = countdown(instance.suspendAfter, now);
  return (
    <section aria-labelledby="status-heading" className="space-y-3 rounded-lg border border-gray-200 bg-white p-4">
      <h2 id="status-heading" className="text-lg font-semibold">
        Status: <span data-testid="instance-status">{instance.status}</span>
      </h2>
      {instance.status === 'PENDING' && (
        <ol aria-label="Start-up stages" className="space-y-1 text-sm" aria-live="polite">
          {STAGES.map(([stage, label], i) => (
            <li key={stage} className={i < reached ? 'text-gray-600' : i === reached ? 'font-semibold text-gray-900' : 'text-gray-500'}>
              {i < reached ? '✓ ' : i === reached ? '… ' : '· '}
              {label}
            </li>
          ))}
        </ol>
      )}
      {instance.status === 'SUSPENDED' && (
        <p>
          <strong>{instance.app.title}</strong> is paused. Its volume is kept; Resume starts it again.
        </p>
      )}
      {instance.status === 'FAILED' && (
        <p role="alert" className="text-red-800">
          {instance.reason ?? 'The instance failed.'}
        </p>
      )}
      {instance.status === 'DEPLOYED' && (
        <p className="text-sm">
          Running at{' '}
          <a className="break-all text-blue-800 underline" href={instance.url}>
            {instance.url}
          </a>
          {left && <> · suspends after {left} without traffic</>}
        </p>
      )}
      <InstanceActions instance={instance} rights={rights} />
    </section>
  );
}
