// Test helper: the API's route files and, per exported method, whether apiHandler parses a JSON body for it
// (a `body` schema in its options), read from the source so that a new route is covered without a list to
// keep. Used by lib/api/body-caps.test.ts and e2e/body-limits.spec.ts.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './corpus';

export interface RouteMethod {
  /** The route file, relative to the repository root. */
  file: string;
  method: string;
  /** The URL path with each [param] replaced by a sample value. */
  urlPath: string;
  /** apiHandler's access level ('anyone' needs no caller), or null when the method is not an apiHandler. */
  access: string | null;
  /** Whether apiHandler reads a JSON body for it (a `body` schema). */
  jsonBody: boolean;
  /** The name of its `maxBytes` option, when it sets one. */
  maxBytes: string | null;
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === 'route.ts' ? [full] : [];
  });
}

export function apiRouteMethods(): RouteMethod[] {
  const methods: RouteMethod[] = [];
  for (const full of routeFiles(path.join(REPO_ROOT, 'app', 'api')).sort()) {
    const file = path.relative(REPO_ROOT, full);
    const source = fs.readFileSync(full, 'utf8');
    const consts = Object.fromEntries(
      [...source.matchAll(/const (\w+) = (\{[^;]*\}) as const;/g)].map((m) => [m[1], m[2]]),
    );
    const urlPath =
      '/' +
      path
        .dirname(file)
        .replace(/^app\//, '')
        .split(path.sep)
        .map((segment) => (segment.startsWith('[') ? `sample-${segment.replace(/[[\].]/g, '')}` : segment))
        .join('/');
    for (const m of source.matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g)) {
      methods.push({ file, method: m[1], urlPath, access: null, jsonBody: false, maxBytes: null });
    }
    for (const m of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = (\w+)/g)) {
      const [, method, wrapper] = m;
      if (wrapper !== 'apiHandler') {
        methods.push({ file, method, urlPath, access: null, jsonBody: false, maxBytes: null });
        continue;
      }
      // The options: the first argument, up to the handler (`async (`); a spread const is read too.
      const rest = source.slice(m.index! + m[0].length);
      let options = rest.slice(0, rest.indexOf('async ('));
      for (const [name, text] of Object.entries(consts)) options = options.replace(new RegExp(`\\.\\.\\.${name}\\b|\\(${name},`), text);
      methods.push({
        file,
        method,
        urlPath,
        access: /access: '(\w+)'/.exec(options)?.[1] ?? null,
        jsonBody: /\bbody\s*[:,}]/.test(options),
        maxBytes: /maxBytes: (\w+)/.exec(options)?.[1] ?? null,
      });
    }
  }
  return methods;
}
