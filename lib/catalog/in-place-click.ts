// Which clicks on a link in the catalog's results are followed in place (components/catalog/in-place-links.ts):
// plain clicks on links to the catalog (`/`) or an app's page (`/apps/…`), the pages the App Router renders.
// A modified or middle click, a link to another window, a download, another origin or any other path (a running
// app under `/instance/`) is the browser's.

type Click = { defaultPrevented: boolean; button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean };

/** True when a click on this anchor is a plain one that the App Router should follow in place. */
export function followsInPlace(
  event: Click,
  anchor: { target: string; origin: string; pathname: string; hasAttribute(name: string): boolean },
  origin: string,
): boolean {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if ((anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return false;
  return anchor.origin === origin && (anchor.pathname === '/' || anchor.pathname.startsWith('/apps/'));
}
