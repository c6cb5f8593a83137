// A stand-in render worker for lib/render/pool.test.ts: speaks the pool's protocol (listen on the socket it is
// given, say ready, ask the primary for the runner's capabilities) and answers with what it received.
import http from 'node:http';

const socketPath = process.argv[process.argv.indexOf('--render-worker') + 1];
// A worker that cannot start (a broken build, say).
if (process.argv.includes('--fail-at-once')) process.exit(1);
let release = null;
let asked = 0;
const waiting = new Map();
process.on('message', (m) => waiting.get(m.id)?.(m));
process.on('disconnect', () => process.exit(0));

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://worker');
  if (url.pathname === '/apps/echo') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-worker-pid': String(process.pid), connection: 'keep-alive' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, pid: process.pid }));
  } else if (url.pathname === '/apps/stream') {
    // The first part now, the rest once /apps/release arrives: only a proxy that streams lets the client see it.
    res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
    res.write('first part;');
    release = () => res.end('second part');
  } else if (url.pathname === '/apps/release') {
    release?.();
    res.end('released');
  } else if (url.pathname === '/apps/exit') {
    process.exit(3);
  } else if (url.pathname === '/apps/capabilities') {
    const id = ++asked;
    waiting.set(id, (m) => res.end(JSON.stringify(m)));
    process.send({ type: 'capabilities', id });
  } else {
    res.writeHead(404).end();
  }
});
server.listen(socketPath, () => process.send({ type: 'ready' }));
