// The app's LongDescription, rendered by the sanitizing Markdown policy of lib/catalog/markdown.ts (kept
// rendered per app version: lib/apps/long-description-cache.ts).
import type { MarkdownAssets } from '@/lib/catalog/markdown';
import { cachedLongDescription } from '@/lib/apps/long-description-cache';

export function LongDescription({ source, assets }: { source: string; assets: MarkdownAssets }) {
  if (!source.trim()) return null;
  return (
    <div
      data-testid="long-description"
      className="space-y-3 text-gray-800 [&_a]:text-blue-800 [&_a]:underline [&_code]:rounded [&_code]:bg-gray-100 [&_code]:px-1 [&_h1]:text-xl [&_h1]:font-semibold [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:text-base [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-6 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-gray-100 [&_pre]:p-3 [&_table]:border-collapse [&_td]:border [&_td]:border-gray-300 [&_td]:px-2 [&_th]:border [&_th]:border-gray-300 [&_th]:px-2 [&_ul]:list-disc [&_ul]:pl-6"
    >
      {cachedLongDescription(source, assets)}
    </div>
  );
}
