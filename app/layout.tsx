import type { Metadata } from 'next';
import Link from 'next/link';
import { SiteHeader } from '@/components/layout/site-header';
import { version as portalVersion } from '@/package.json';
import { signOutAction } from './actions';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'App Store', template: '%s · App Store' },
  description: 'A self-hostable store for AI and data-science web apps.',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 text-gray-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
          Skip to content
        </a>
        <SiteHeader signOut={signOutAction} />
        {children}
        <footer className="mx-auto mt-8 flex max-w-6xl flex-wrap gap-x-4 gap-y-1 border-t border-gray-200 px-4 py-4 text-sm text-gray-700" data-testid="site-footer">
          <span>App Store portal {portalVersion}</span>
          <Link prefetch={false} href="/help" className="text-blue-800 underline">
            Help: app.toml and the CLI
          </Link>
        </footer>
      </body>
    </html>
  );
}
