'use client';
// One request to the portal's API from a button or a small form (same-origin session): the server decides,
// its refusal message is shown, and on success the page is refreshed (after `then`, if given).
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

async function request(method: string, url: string, body?: unknown): Promise<string | null> {
  const response = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.ok) return null;
  const answer = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return answer?.error?.message ?? `The request failed (${response.status}).`;
}

export function useApiRequest() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const run = (method: string, url: string, body?: unknown, then?: () => void) =>
    startTransition(async () => {
      const error = await request(method, url, body);
      setMessage(error);
      if (!error) {
        then?.();
        router.refresh();
      }
    });
  return { pending, message, run };
}
