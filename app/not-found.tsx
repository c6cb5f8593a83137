// The portal's 404 page: for a path that does not exist, and for anything the viewer may not see.
import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClass } from '@/components/ui/field';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-2xl space-y-4 px-4 py-16 text-center">
      <p className="text-sm font-semibold text-blue-800">404</p>
      <h1 className="text-2xl font-semibold text-gray-900">Page not found</h1>
      <p className="text-gray-700">There is no such page, or you may not see it. Signed out? Sign in and try again.</p>
      <p>
        <Link href="/" className={buttonClass}>
          Back to the catalog
        </Link>
      </p>
    </main>
  );
}
