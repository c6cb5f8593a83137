// An app's icon, or a neat lettered placeholder when the bundle has none. Decorative: the title is beside it.

const PLACEHOLDER_COLORS = ['bg-blue-700', 'bg-emerald-700', 'bg-violet-700', 'bg-amber-700', 'bg-rose-700', 'bg-cyan-800'];

function colorFor(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PLACEHOLDER_COLORS[hash % PLACEHOLDER_COLORS.length];
}

/**
 * At the catalog's size (48 px) the size comes from the `app-icon` class, so 24 cards do not each carry a
 * style. Loaded lazily: React would otherwise also preload every icon from the page's head.
 */
export function AppIcon({ url, name, title, size = 48 }: { url: string | null; name: string; title: string; size?: number }) {
  const style = size === 48 ? undefined : { width: size, height: size };
  if (url) {
    // eslint-disable-next-line @next/next/no-img-element -- served by our asset route with its own caching
    return <img src={url} alt="" width={size} height={size} style={style} loading="lazy" className="app-icon object-contain" />;
  }
  const letter = (title || name).trim().charAt(0).toUpperCase() || '?';
  return (
    <span aria-hidden="true" style={style} className={`app-icon flex items-center justify-center text-xl font-semibold text-white ${colorFor(name)}`}>
      {letter}
    </span>
  );
}
