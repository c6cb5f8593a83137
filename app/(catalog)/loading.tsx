// Shown while a catalog page renders: the shape of the page, without content (kept small: it is part of
// every catalog page's HTML and payload).
export default function Loading() {
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-4 px-4 py-6" aria-busy="true">
      <p className="sr-only" role="status">
        Loading…
      </p>
      <div className="h-8 w-48 skeleton" />
      <div className="h-10 w-full max-w-xl skeleton" />
      <div className="h-40 w-full skeleton" />
    </main>
  );
}
