// Python sources for the runner's tests: a python-mode app that reports what it can see and reach, and a
// TEST DOUBLE for h2o-wave (the real package cannot be installed on these machines).
import { buildWheel } from './build';

/**
 * `AppMode = "python"` app on the standard library. GET /env: identity, environment, files; /read?path=;
 * /write?path=&text=; /connect?host=&port=; /alloc?mb=; /unshare; /crash?code=. Port from APP_PORT (an [[Env]]), default 8080.
 */
export const PROBE_APP = String.raw`
import json, os, socket, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
try:
    import greeting_lib
    GREETING = greeting_lib.GREETING
except ImportError:
    GREETING = None

def read(path):
    try:
        with open(path) as f:
            return {'ok': True, 'text': f.read(), 'mode': oct(os.stat(path).st_mode & 0o777)}
    except OSError as e:
        return {'ok': False, 'error': type(e).__name__ + ': ' + str(e)}

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        if url.path.endswith('/env'):
            body = {'uid': os.getuid(), 'euid': os.geteuid(), 'gid': os.getgid(), 'pid': os.getpid(), 'cwd': os.getcwd(),
                    'env': dict(os.environ), 'greeting': GREETING, 'python': sys.executable}
        elif url.path.endswith('/read'):
            body = read(q['path'])
        elif url.path.endswith('/write'):
            try:
                with open(q['path'], 'w') as f:
                    f.write(q['text'])
                body = {'ok': True}
            except OSError as e:
                body = {'ok': False, 'error': type(e).__name__ + ': ' + str(e)}
        elif url.path.endswith('/connect'):
            s = socket.socket()
            s.settimeout(3)
            try:
                s.connect((q['host'], int(q['port'])))
                s.sendall(b'GET / HTTP/1.0\r\n\r\n')
                body = {'ok': True, 'answer': s.recv(200).decode('latin-1')}
            except OSError as e:
                body = {'ok': False, 'error': type(e).__name__ + ': ' + str(e)}
            finally:
                s.close()
        elif url.path.endswith('/unshare'):
            import subprocess
            p = subprocess.run(['unshare', '--user', 'true'], capture_output=True, text=True)
            body = {'ok': p.returncode == 0, 'error': p.stderr.strip()}
        elif url.path.endswith('/alloc'):
            block = bytearray(int(q['mb']) * 1024 * 1024)
            for i in range(0, len(block), 4096):
                block[i] = 1
            body = {'ok': True, 'bytes': len(block)}
        elif url.path.endswith('/crash'):
            print('crashing on request', file=sys.stderr, flush=True)
            os._exit(int(q.get('code', '3')))
        else:
            body = {'hello': os.environ.get('H2O_CLOUD_INSTANCE_ID')}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

print('probe app starting as uid', os.getuid(), flush=True)
ThreadingHTTPServer(('0.0.0.0', int(os.environ.get('APP_PORT', '8080'))), Handler).serve_forever()
`;

/** An app that fails at start-up, explaining why on stderr. */
export const FAILING_APP = String.raw`
import sys
print('boom: DATABASE_URL is not configured', file=sys.stderr, flush=True)
sys.exit(4)
`;

export function greetingWheel() {
  return buildWheel({ name: 'greeting-lib', version: '1.0.0', files: { 'greeting_lib/__init__.py': "GREETING = 'hello from a bundled wheel'\n" } });
}

/**
 * TEST DOUBLE for h2o-wave, not the real package: it provides `waved` (at the venv root, where h2o-wave
 * installs it) and `wave run`, behaving per Wave's variables. waved listens on H2O_WAVE_LISTEN and
 * answers under H2O_WAVE_BASE_URL by forwarding to the app registered with it; `wave run` insists on
 * --no-reload --no-autostart, serves the module's `serve(path)` on H2O_WAVE_APP_ADDRESS and registers
 * that address with the server at H2O_WAVE_ADDRESS.
 */
export function waveTestDoubleWheel() {
  const waved = String.raw`
import json, os, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
listen = os.environ['H2O_WAVE_LISTEN']
base = os.environ.get('H2O_WAVE_BASE_URL', '/')
app = {}
class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def reply(self, code, text):
        data = text.encode()
        self.send_response(code)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
        app['address'] = body['address']
        print('waved double: app registered at', body['address'], flush=True)
        self.reply(200, 'ok')
    def do_GET(self):
        if not self.path.startswith(base):
            return self.reply(404, 'outside H2O_WAVE_BASE_URL ' + base)
        if 'address' not in app:
            return self.reply(503, 'no app registered yet')
        with urllib.request.urlopen(app['address'] + self.path) as r:
            self.reply(200, 'waved double (%s) -> %s' % (listen, r.read().decode()))
host, _, port = listen.rpartition(':')
print('waved double listening on', listen, 'in', os.getcwd(), flush=True)
ThreadingHTTPServer((host or '0.0.0.0', int(port)), H).serve_forever()
`;
  const cli = String.raw`
import importlib, json, os, sys, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
def main():
    args = sys.argv[1:]
    if args[:1] != ['run'] or '--no-reload' not in args or '--no-autostart' not in args:
        print('wave double: expected wave run --no-reload --no-autostart <module>, got', args, file=sys.stderr)
        sys.exit(2)
    sys.path.insert(0, '.')  # as the real wave run does, so the app's module is found from its root
    module = importlib.import_module([a for a in args[1:] if not a.startswith('--')][0])
    address = os.environ['H2O_WAVE_APP_ADDRESS']
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass
        def do_GET(self):
            data = module.serve(self.path).encode()
            self.send_response(200)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)
    u = urllib.parse.urlparse(address)
    req = urllib.request.Request(os.environ['H2O_WAVE_ADDRESS'] + '/_register', data=json.dumps({'address': address}).encode(), method='POST')
    for attempt in range(100):
        try:
            urllib.request.urlopen(req).read()
            break
        except OSError:
            import time; time.sleep(0.1)
    server = ThreadingHTTPServer((u.hostname, u.port), H)
    server.serve_forever()
`;
  return buildWheel({
    name: 'h2o-wave-test-double',
    version: '0.0.1',
    files: {
      'wave_test_double/__init__.py': '',
      'wave_test_double/waved.py': waved,
      'wave_test_double/cli.py': cli,
      'h2o_wave_test_double-0.0.1.data/data/waved': { content: '#!/bin/sh\nexec "$(dirname "$0")/bin/python" -m wave_test_double.waved "$@"\n', executable: true },
    },
    consoleScripts: { wave: 'wave_test_double.cli:main' },
  });
}

/** The Wave app module served through the test double. */
export const WAVE_APP = String.raw`
import os
sys_path_note = os.getcwd()
def serve(path):
    return 'wave app %s at %s (cwd %s)' % (os.environ['H2O_CLOUD_INSTANCE_ID'], path, sys_path_note)
`;
