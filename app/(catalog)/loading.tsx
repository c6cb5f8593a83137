// Shown while a catalog or app page renders: the shape of the page, without content.
export default function Loading() {
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-4 px-4 py-6" aria-busy="true">
      <p className="sr-only" role="status">
        Loading…
      </p>
      <div className="h-8 w-48 skeleton" />
      <div className="h-10 w-full max-w-xl skeleton" />
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-hidden="true">
        {Array.from({ length: 3 }, (_, i) => (
          <li key={i} className="space-y-3 rounded-lg border border-gray-200 bg-white p-4">
            <div className="flex gap-3">
              <div className="h-12 w-12 skeleton rounded-lg" />
              <div className="flex-1 space-y-2">
                <div className="h-4 w-2/3 skeleton" />
                <div className="h-3 w-1/3 skeleton" />
              </div>
            </div>
            <div className="h-3 w-full skeleton" />
            <div className="h-3 w-5/6 skeleton" />
          </li>
        ))}
      </ul>
    </main>
  );
}
