// The portal's 404 page: for a path that does not exist, and for anything the viewer may not see.
import type { Metadata } from 'next';
import { NotFoundPage } from '@/components/layout/not-found-page';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return <NotFoundPage title="Page not found" detail="There is no such page, or you may not see it. Signed out? Sign in and try again." />;
}
