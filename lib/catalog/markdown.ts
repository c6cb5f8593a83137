// How an app's LongDescription Markdown is rendered: GitHub-flavoured, raw HTML shown as inert text,
// the result sanitized (GitHub's schema: no scripts, no event handlers, no style), only safe link
// protocols, external links marked nofollow/noopener/noreferrer, and images only from the app's own assets.
import { createHash } from 'node:crypto';
import type { ElementContent, Properties, Root, RootContent } from 'hast';
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

/**
 * The parsed and sanitized Markdown (the HTML tree react-markdown renders in its last step), compactly: an element
 * is `[tagName, properties, ...children]`, a text node its string, a raw HTML node `{ raw }`. What this encodes is
 * the same for every version with the same Markdown (images and links are resolved in that last step, from the
 * version's assets), and it takes 1.3–2.8 bytes per character of Markdown instead of the 17–35 of a rendered tree.
 */
type Compact = string | { raw: string } | [string, Properties, ...Compact[]];

function encode(node: RootContent): Compact {
  if (node.type === 'text') return node.value;
  if (node.type === 'raw') return { raw: node.value };
  if (node.type === 'element') return [node.tagName, node.properties, ...node.children.map(encode)];
  // Nothing else comes out of the sanitizer (no comments, no doctype): fail rather than drop something.
  throw new Error(`Unexpected node in a sanitized long description: ${node.type}`);
}

function decode(value: Compact): RootContent {
  if (typeof value === 'string') return { type: 'text', value };
  if (!Array.isArray(value)) return { type: 'raw', value: value.raw };
  const [tagName, properties, ...children] = value;
  return { type: 'element', tagName, properties, children: children.map(decode) as ElementContent[] };
}

/**
 * Renders a long description (as renderLongDescription does, called now: react-markdown's `Markdown` is a plain
 * synchronous component) and compiles it: its sanitized tree, encoded, for renderCompiled to render again without
 * parsing (a 500-character description: 3.3 ms to parse and render, 0.4 ms from the compiled form).
 */
export function renderAndCompile(source: string, assets: MarkdownAssets): { tree: ReactElement; compiled: string } {
  let compiled = '';
  const options = markdownOptions(assets);
  const capture = () => (root: Root) => {
    compiled = JSON.stringify(root.children.map(encode));
  };
  const tree = Markdown({ ...options, rehypePlugins: [...(options.rehypePlugins ?? []), capture], children: source }) as ReactElement;
  return { tree, compiled };
}

/**
 * What a compiled form depends on besides the Markdown: the packages that parse and sanitize it, at these versions
 * (markdown.test.ts fails when the installed ones differ), and this file's rules (raised whenever encode(), the
 * plugins or the sanitizer's schema change). A stored form compiled under another pipeline is compiled again on its
 * next view (lib/apps/long-description-cache.ts), so a sanitizer fixed by an upgrade applies to every stored form.
 */
export const MARKDOWN_PACKAGES: Readonly<Record<string, string>> = {
  'react-markdown': '10.1.0',
  'remark-parse': '11.0.0',
  micromark: '4.0.3',
  'remark-gfm': '4.0.1',
  'remark-rehype': '11.1.2',
  'mdast-util-to-hast': '13.2.2',
  'rehype-sanitize': '6.0.0',
  'hast-util-sanitize': '5.0.2',
};
export const MARKDOWN_PIPELINE = `rules 1; ${Object.entries(MARKDOWN_PACKAGES)
  .map(([name, version]) => `${name}@${version}`)
  .join(' ')}`;

/** The compiled form of a long description alone (at import, before any page shows it): the same for any assets. */
export function compileMarkdown(source: string): string {
  return renderAndCompile(source, { appId: '', icon: null, screenshots: [] }).compiled;
}

/** How a Markdown text is known in the stored compiled forms and the caches of lib/apps/long-description-cache.ts. */
export const markdownHash = (source: string): string => createHash('sha256').update(source).digest('base64url');

/** A long description as it is stored beside its version (app_long_descriptions): compiled, with what it was compiled from and by. */
export function storedForm(source: string): { sourceSha256: string; pipeline: string; compiled: string } {
  return { sourceSha256: markdownHash(source), pipeline: MARKDOWN_PIPELINE, compiled: compileMarkdown(source) };
}

/**
 * A compiled long description rendered for one version's assets: the compiled tree is handed to react-markdown in
 * place of parsing an (empty) document, and its last step runs as on any render: raw HTML made text, URLs
 * transformed (images resolved to this version's assets), links and images through the components above.
 */
export function renderCompiled(compiled: string, assets: MarkdownAssets): ReactElement {
  const options = markdownOptions(assets);
  const inject = () => (): Root => ({ type: 'root', children: (JSON.parse(compiled) as Compact[]).map(decode) });
  return Markdown({ ...options, remarkPlugins: [], rehypePlugins: [inject], children: '' }) as ReactElement;
}
