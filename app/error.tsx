'use client';
// Shown when a page fails unexpectedly: a plain message and a way to retry, never the error's details
// (the server logs them; the digest lets an operator find the entry).
import { useEffect } from 'react';
import { buttonClass } from '@/components/ui/field';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    document.title = 'Something went wrong · App Store';
  }, []);
  return (
    <main id="main" className="mx-auto max-w-2xl space-y-4 px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold text-gray-900">Something went wrong</h1>
      <p className="text-gray-700">The page could not be shown. Try again in a moment; if it keeps failing, tell your administrator.</p>
      {error.digest && (
        <p className="text-sm text-gray-600">
          Reference: <code>{error.digest}</code>
        </p>
      )}
      <button type="button" className={buttonClass} onClick={reset}>
        Try again
      </button>
    </main>
  );
}
