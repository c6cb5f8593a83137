// How an app's LongDescription Markdown is rendered: GitHub-flavoured, raw HTML shown as inert text,
// the result sanitized (GitHub's schema: no scripts, no event handlers, no style), only safe link
// protocols, external links marked nofollow/noopener/noreferrer, and images only from the app's own assets.
import { createElement, type ReactElement } from 'react';
import Markdown, { defaultUrlTransform, type Components, type Options } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';

export interface MarkdownAssets {
  appId: string;
  /** URL of the app's icon, if it has one. */
  icon: string | null;
  /** URLs of the app's screenshots, by position. */
  screenshots: string[];
}

export const EXTERNAL_REL = 'nofollow noopener noreferrer';

/** A link target that may be followed: http(s), mailto and relative; never javascript:, data:, vbscript: … */
export function safeHref(href: string): string | null {
  const value = defaultUrlTransform(href.trim());
  if (!value) return null;
  // defaultUrlTransform keeps anything without a protocol; protocol-relative URLs are external links.
  return value;
}

export function isExternalHref(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');
}

/**
 * The URL of one of the app's own images for a Markdown image source, or null. Accepted: the asset URLs
 * of this app version, and the bundle paths of its icon (`static/icon.png`) and numbered screenshots
 * (`static/screenshot2.png` is the second screenshot). Anything else, remote images included, is dropped.
 */
export function resolveImage(src: string, assets: MarkdownAssets): string | null {
  const own = [assets.icon, ...assets.screenshots].filter((u): u is string => !!u);
  if (own.includes(src)) return src;
  const path = src.trim().replace(/^\.?\//, '');
  if (/^[a-z][a-z0-9+.-]*:|^\//i.test(path) || path.includes('..')) return null;
  const file = /^(?:static\/)?([^/]+)$/i.exec(path)?.[1];
  if (!file) return null;
  if (/^icon[^/]*\.[a-z0-9]+$/i.test(file)) return assets.icon;
  const shot = /^screenshot0*([1-9]\d*)\.[a-z0-9]+$/i.exec(file);
  if (shot) return assets.screenshots[Number(shot[1]) - 1] ?? null;
  return null;
}

/** react-markdown options for one app version's long description. */
export function markdownOptions(assets: MarkdownAssets): Omit<Options, 'children'> {
  const components: Components = {
    a: ({ href, children, node: _node, ...rest }) => {
      const target = href ? safeHref(href) : null;
      if (!target) return createElement('span', null, children);
      return createElement('a', { ...rest, href: target, rel: isExternalHref(target) ? EXTERNAL_REL : undefined }, children);
    },
    // Code blocks scroll sideways; focusable so that keyboard users can scroll them too.
    pre: ({ node: _node, ...rest }) => createElement('pre', { ...rest, tabIndex: 0 }),
    img: ({ src, alt, node: _node }) => {
      const url = typeof src === 'string' && src ? src : null;
      // urlTransform below already replaced the source with an asset URL or ''.
      if (!url) return alt ? createElement('span', { className: 'italic' }, `[${alt}]`) : null;
      return createElement('img', { src: url, alt: alt ?? '', loading: 'lazy', className: 'max-w-full rounded border border-gray-200' });
    },
  };
  return {
    remarkPlugins: [remarkGfm],
    rehypePlugins: [rehypeSanitize],
    skipHtml: false,
    components,
    urlTransform: (url, key, node) => {
      if (key === 'src' && node.tagName === 'img') return resolveImage(url, assets) ?? '';
      return defaultUrlTransform(url);
    },
  };
}

/** The rendered long description (a React element; usable in server components and tests). */
export function renderLongDescription(source: string, assets: MarkdownAssets): ReactElement {
  return createElement(Markdown, { ...markdownOptions(assets), children: source });
}
