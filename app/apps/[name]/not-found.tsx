// 404 for an app's URL (any version): the same answer whether it never existed or the viewer may not see it.
import { NotFoundPage } from '@/components/layout/not-found-page';

export default function AppNotFound() {
  return (
    <NotFoundPage
      title="Page not found"
      detail="No app you can see has this name or version: it may be private, or removed. Signed out? Sign in and try again."
    />
  );
}
