'use client';
// Admins switch the idle timeout off (or on) for one instance.
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';

export function AutoSuspendToggle({ instanceId, autoSuspend }: { instanceId: string; autoSuspend: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <label className="inline-flex items-center gap-2 py-2 text-sm">
      <input
        type="checkbox"
        checked={autoSuspend}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.checked;
          startTransition(async () => {
            await fetch(`/api/v1/instances/${instanceId}`, {
              method: 'PATCH',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ autoSuspend: next }),
            });
            router.refresh();
          });
        }}
      />
      Auto-suspend when idle
    </label>
  );
}
