import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { MARKDOWN_PACKAGES, MARKDOWN_PIPELINE, renderAndCompile, renderCompiled, renderLongDescription, resolveImage, type MarkdownAssets } from './markdown';

const assets: MarkdownAssets = {
  appId: 'app-1',
  icon: '/assets/app-1/icon',
  screenshots: ['/assets/app-1/screenshot-1', '/assets/app-1/screenshot-2'],
};
const otherAssets: MarkdownAssets = { appId: 'app-2', icon: null, screenshots: ['/assets/app-2/screenshot-1'] };

/**
 * The rendered Markdown; every call also checks that the compiled form renders exactly the same (compiled while
 * rendering for another version: it holds nothing of a version's own), and that compiling renders it unchanged.
 */
const html = (md: string) => {
  const direct = renderToStaticMarkup(renderLongDescription(md, assets));
  expect(renderToStaticMarkup(renderCompiled(renderAndCompile(md, otherAssets).compiled, assets)), md).toBe(direct);
  expect(renderToStaticMarkup(renderAndCompile(md, assets).tree), md).toBe(direct);
  return direct;
};

describe('long description Markdown', () => {
  it('renders GitHub-flavoured Markdown', () => {
    const out = html('### Usage\n\n* **fast**\n* ~~slow~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done');
    expect(out).toContain('<h3>Usage</h3>');
    expect(out).toContain('<strong>fast</strong>');
    expect(out).toContain('<del>slow</del>');
    expect(out).toContain('<table>');
    expect(out).toMatch(/<input[^>]*type="checkbox"[^>]*disabled/);
  });

  it('keeps raw HTML inert: no script, iframe or event handler survives', () => {
    const out = html('Hello <script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<iframe src="https://evil.test"></iframe>\n\n<a href="#" onclick="alert(3)">x</a>');
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<iframe/i);
    expect(out).not.toMatch(/<img[^>]*onerror/i);
    expect(out).not.toMatch(/<a[^>]*onclick/i);
    expect(out).toContain('<p>Hello alert(1)</p>'); // the tags are dropped, their text stays text
  });

  it('removes javascript:, vbscript: and data: links but keeps their text', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==']) {
      const out = html(`[click me](${href})`);
      expect(out, href).not.toMatch(/href=/);
      expect(out, href).toContain('click me');
    }
    expect(html('<javascript:alert(1)>')).not.toMatch(/href="javascript/i);
  });

  it('marks external links nofollow noopener noreferrer and leaves relative ones alone', () => {
    expect(html('[site](https://example.com/x)')).toContain('<a href="https://example.com/x" rel="nofollow noopener noreferrer">site</a>');
    expect(html('https://autolink.example.com')).toContain('rel="nofollow noopener noreferrer"');
    expect(html('[mail](mailto:a@b.test)')).toContain('rel="nofollow noopener noreferrer"');
    expect(html('[docs](#usage)')).toMatch(/<a href="#usage">docs<\/a>/);
  });

  it("shows only the app's own images", () => {
    expect(html('![icon](static/icon.png)')).toContain('<img src="/assets/app-1/icon" alt="icon"');
    expect(html('![two](./static/screenshot2.png)')).toContain('src="/assets/app-1/screenshot-2"');
    expect(html('![own](/assets/app-1/screenshot-1)')).toContain('src="/assets/app-1/screenshot-1"');
    for (const src of ['https://tracker.example.com/pixel.png', '/assets/other-app/icon', 'data:image/png;base64,AAAA', 'static/screenshot9.png', '../secret.png']) {
      const out = html(`![remote](${src})`);
      expect(out, src).not.toContain('<img');
      expect(out, src).toContain('[remote]');
    }
  });

  it('prefixes ids so a description cannot clobber the page', () => {
    expect(html('Text[^1]\n\n[^1]: note')).toContain('id="user-content-');
  });
});

describe('resolveImage', () => {
  it('maps bundle paths to asset URLs and refuses everything else', () => {
    expect(resolveImage('icon.png', assets)).toBe('/assets/app-1/icon');
    expect(resolveImage('static/screenshot01.jpg', assets)).toBe('/assets/app-1/screenshot-1');
    expect(resolveImage('static/sub/icon.png', assets)).toBeNull();
    expect(resolveImage('//evil.test/x.png', assets)).toBeNull();
    expect(resolveImage('icon.png', { ...assets, icon: null })).toBeNull();
  });

  it('renders from the compiled form exactly what it renders from the Markdown, for long real documents too', () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const mixed = [
      '# T\n\n<details><summary>x</summary>\n\n**in** <b onclick="x()">b</b> <!-- comment -->\n\n</details>',
      '```js\nconst a = "<script>";\n```\n\n    indented <code>\n\n> quote with [link](javascript:x) and ![img](static/icon.png)',
      '- [ ] todo\n- [x] done\n  1. nested\n  2. *em* ~~del~~\n\n| a | b |\n|:-|-:|\n| `c` | <br> |',
      'Footnote[^n] and www.example.com and <https://x.test> and a@b.test\n\n[^n]: the note <span style="color:red">red</span>',
      'Line  \nbreak\\\nand &amp; &copy; &#x3C;script&#x3E; \u0000 \ud83d\ude00 <img src="static/screenshot1.png" alt="raw img">',
    ];
    for (const md of [readme, readme.slice(0, 20_000), ...mixed]) html(md);
    // The compiled form is compact: a few bytes per character of Markdown (a rendered tree takes 17–35).
    const { compiled } = renderAndCompile(readme, assets);
    expect(compiled.length / readme.length).toBeLessThan(3);
  });
});

describe('MARKDOWN_PIPELINE', () => {
  it('names the Markdown packages installed, so that an upgrade compiles every stored long description again', () => {
    // Fails after an upgrade of any of them: update MARKDOWN_PACKAGES (markdown.ts), which makes every stored form stale.
    const installed = Object.fromEntries(
      Object.keys(MARKDOWN_PACKAGES).map((name) => [name, (JSON.parse(fs.readFileSync(path.join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version]),
    );
    expect(installed).toEqual(MARKDOWN_PACKAGES);
    for (const [name, version] of Object.entries(MARKDOWN_PACKAGES)) expect(MARKDOWN_PIPELINE).toContain(`${name}@${version}`);
  });
});
