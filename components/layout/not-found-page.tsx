// The body of the portal's 404 pages (the header comes from the root layout): what may have happened and a way back.
import Link from 'next/link';
import { buttonClass } from '@/components/ui/field';

export function NotFoundPage({ title, detail }: { title: string; detail: string }) {
  return (
    <main id="main" className="mx-auto max-w-2xl space-y-4 px-4 py-16 text-center">
      <p className="text-sm font-semibold text-blue-800">404</p>
      <h1 className="text-2xl font-semibold text-gray-900">{title}</h1>
      <p className="text-gray-700">{detail}</p>
      <p>
        <Link prefetch={false} href="/" className={buttonClass}>
          Back to the catalog
        </Link>
      </p>
    </main>
  );
}
