export default function CatalogPage() {
  return (
    <main id="main" className="mx-auto max-w-6xl p-6">
      <h1 className="text-2xl font-semibold">App Store</h1>
      <p className="mt-2 text-gray-700">The catalog of AI and data-science apps.</p>
    </main>
  );
}
