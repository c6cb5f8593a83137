// What Next's renderer costs by itself on this machine (issue 15): a bare App Router app, built from the
// project's own `next`, whose one page has a root layout, a heading and a paragraph, no data and no session,
// rendered per request (`connection()`), served by Next's own request handler in as many processes as render
// the portal's pages (node's cluster: the connections shared among them), beside a static file of that page's
// size served by the same processes. bench:catalog prints it as the floor under its share targets: no page of
// any Next app renders faster.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot, SERVER_NODE_FLAGS } from './server';

/** Where the app is written and built; inside the project, as Turbopack resolves `next` only under its root. */
export const FLOOR_DIR = path.join(projectRoot, '.bench-floor');

const FILES: Record<string, string> = {
  // Turbopack's root is the project's, so the app uses the project's node_modules (the same `next` and React).
  'next.config.mjs': `export default { turbopack: { root: ${JSON.stringify(projectRoot)} }, poweredByHeader: false };\n`,
  // Its own (empty) start-up hook: without one, Turbopack builds the portal's instrumentation.ts (found at its
  // root) into the app, and each process would migrate a database and start the portal's background work.
  'instrumentation.js': 'export function register() {}\n',
  'app/layout.jsx': `export default function Layout({ children }) {\n  return (<html lang="en"><body>{children}</body></html>);\n}\n`,
  'app/page.jsx': `import { connection } from 'next/server';\n\nexport default async function Page() {\n  await connection();\n  return (<main><h1>A page</h1><p>Rendered per request, with no data.</p></main>);\n}\n`,
  // Replaced by a copy of the page's HTML once it answers (Next lists public/ when it starts).
  'public/static.html': 'placeholder',
  // Next's request handler (what `next start` runs) in each of `processes` cluster workers, on one shared port.
  'serve.mjs': `import cluster from 'node:cluster';
import http from 'node:http';
import next from 'next';

const [dir, processes] = process.argv.slice(2);
if (cluster.isPrimary) {
  // Port 0: the workers share one port the primary chooses; printed once every worker listens.
  let listening = 0;
  cluster.on('message', (_worker, message) => {
    if (message?.port && ++listening === Number(processes)) console.log(\`listening on \${message.port}\`);
  });
  for (let i = 0; i < Number(processes); i++) cluster.fork();
  cluster.on('exit', () => process.exit(1));
} else {
  const app = next({ dev: false, dir });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => handle(req, res));
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}
`,
};

export interface FloorServer {
  url: string;
  pid: number;
  /** The page's path, and the static file of its size (written once the page answered). */
  page: string;
  staticFile: string;
  pageBytes: number;
  stop(): Promise<void>;
}

/**
 * Writes and builds the bare app (into `dir`, a folder of the project, removed by stop()), starts it in
 * `processes` processes with `npm start`'s node options on a port of their choosing, and waits for its page.
 */
export async function startFloor(processes: number, dir = FLOOR_DIR): Promise<FloorServer> {
  if (path.relative(projectRoot, dir).startsWith('..')) throw new Error(`${dir} is not inside the project.`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [name, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const nextBin = path.join(projectRoot, 'node_modules/next/dist/bin/next');
  execFileSync(process.execPath, [nextBin, 'build', dir], { cwd: projectRoot, stdio: 'ignore', env: { ...process.env, NEXT_DIST_DIR: '', NEXT_TELEMETRY_DISABLED: '1' } });
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(dir, 'serve.mjs'), dir, String(processes)], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'production', NEXT_DIST_DIR: '', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its port once every process listens; what it said last, for the error when it does not come up.
  let url = '';
  let said = '';
  child.stdout?.on('data', (d: Buffer) => {
    const port = /listening on (\d+)/.exec(d.toString())?.[1];
    if (port) url = `http://127.0.0.1:${port}`;
  });
  child.stderr?.on('data', (d: Buffer) => (said = (said + d.toString()).slice(-2000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    let html = '';
    while (!html) {
      if (child.exitCode !== null) throw new Error(`The bare Next app exited with code ${child.exitCode}: ${said.trim() || 'it said nothing'}`);
      if (Date.now() > deadline) throw new Error('The bare Next app did not answer within 60 s.');
      try {
        if (url) {
          const res = await fetch(`${url}/`);
          if (res.status === 200) html = await res.text();
        }
      } catch {
        // not up yet
      }
      if (!html) await new Promise((r) => setTimeout(r, 100));
    }
    if (!html.includes('Rendered per request')) throw new Error('The bare Next app answered something else than its page.');
    fs.writeFileSync(path.join(dir, 'public/static.html'), html);
    return { url, pid: child.pid!, page: '/', staticFile: '/static.html', pageBytes: Buffer.byteLength(html), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
