// A runnable test app (`AppMode = "python"`, standard library only) and its bundle: it shows what an
// instance receives (instance id, an [[Env]] from a secret, a [[File]]), writes to its volume, echoes the
// request headers it got and its base URL (/base), answers a websocket echo, and can crash on request.
import type { Page } from '@playwright/test';
import JSZip from 'jszip';
import { PNG } from './bundles';

export const INSTANCE_APP = String.raw`
import base64, hashlib, html, json, os, struct, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = os.environ.get('H2O_WAVE_BASE_URL', '/')
VOLUME = os.environ.get('VOLUME_DIR', '/data')
FILE = os.environ.get('CONFIG_PATH', 'config/settings.txt')

def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        return 'missing (' + type(e).__name__ + ')'

class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype='text/html; charset=utf-8', extra=()):
        data = body.encode()
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        path = '/' + url.path[len(BASE):] if url.path.startswith(BASE) else url.path
        q = dict(urllib.parse.parse_qsl(url.query))
        if self.headers.get('Upgrade', '').lower() == 'websocket':
            return self.websocket()
        if path == '/':
            e = html.escape
            page = ('<!doctype html><html lang="en"><head><title>Instance probe</title></head><body><main>'
                    '<h1>Instance probe</h1>'
                    '<p>Instance: <span id="instance">' + e(os.environ.get('H2O_CLOUD_INSTANCE_ID', '')) + '</span></p>'
                    '<p>Secret: <span id="secret">' + e(os.environ.get('API_TOKEN', '(none)')) + '</span></p>'
                    '<p>File: <span id="file">' + e(read(FILE).strip()) + '</span></p>'
                    '<p>Note: <span id="note">' + e(read(os.path.join(VOLUME, 'note.txt'))) + '</span></p>'
                    '<p>Path: <span id="path">' + e(self.path) + '</span></p>'
                    '</main></body></html>')
            return self.reply(200, page, extra=[('Set-Cookie', 'authjs.session-token=forged-by-app; Path=/'), ('Set-Cookie', 'probe=1; Path=/')])
        if path == '/base':
            return self.reply(200, BASE, 'text/plain')
        if path == '/write':
            with open(os.path.join(VOLUME, 'note.txt'), 'w') as f:
                f.write(q.get('text', ''))
            return self.reply(200, 'written', 'text/plain')
        if path == '/headers':
            return self.reply(200, json.dumps({k.lower(): v for k, v in self.headers.items()}), 'application/json')
        if path == '/crash':
            print('crashing on request', file=sys.stderr, flush=True)
            os._exit(int(q.get('code', '3')))
        return self.reply(404, 'no such page', 'text/plain')

    def websocket(self):
        key = self.headers['Sec-WebSocket-Key']
        accept = base64.b64encode(hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()).decode()
        self.send_response(101)
        self.send_header('Upgrade', 'websocket')
        self.send_header('Connection', 'Upgrade')
        self.send_header('Sec-WebSocket-Accept', accept)
        self.end_headers()
        self.wfile.flush()
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return
            opcode, length = head[0] & 0x0f, head[1] & 0x7f
            if length == 126:
                length = struct.unpack('>H', self.rfile.read(2))[0]
            elif length == 127:
                length = struct.unpack('>Q', self.rfile.read(8))[0]
            mask = self.rfile.read(4) if head[1] & 0x80 else b'\0\0\0\0'
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
            if opcode == 8:
                self.wfile.write(b'\x88\x00')
                return
            if opcode == 1:
                reply = ('echo: ' + data.decode()).encode()
                self.wfile.write(bytes([0x81, len(reply)]) + reply)
                self.wfile.flush()

print('instance probe listening on 8080', flush=True)
ThreadingHTTPServer(('0.0.0.0', 8080), Handler).serve_forever()
`;

export interface InstanceAppOptions {
  name: string;
  /** Default 1.0.0. */
  version?: string;
  title?: string;
  routingMode?: 'BASE_URL' | 'DOMAIN';
  /** [[Env]] API_TOKEN from this PRIVATE secret (key `token`). */
  secret?: string;
  instanceTimeout?: string;
  lifecycle?: 'ON_DEMAND' | 'MANAGED';
  /** Replaces the app with one that exits at once, explaining why on stderr. */
  failing?: boolean;
}

export function instanceAppToml(o: InstanceAppOptions): string {
  const lines = [
    '[App]',
    `Name = "${o.name}"`,
    `Version = "${o.version ?? '1.0.0'}"`,
    `Title = "${o.title ?? 'Instance probe'}"`,
    ...(o.instanceTimeout ? [`InstanceTimeout = "${o.instanceTimeout}"`] : []),
    ...(o.lifecycle ? [`InstanceLifecycle = "${o.lifecycle}"`] : []),
    '',
    '[Runtime]',
    'Module = "probe"',
    'AppMode = "python"',
    'Port = 8080',
    `RoutingMode = "${o.routingMode ?? 'BASE_URL'}"`,
    'VolumeMount = "/data"',
    '',
    '[[Env]]',
    'Name = "VOLUME_DIR"',
    'Value = "/data"',
    '',
    '[[File]]',
    'Path = "config/settings.txt"',
    'Value = "file-content-from-app-toml"',
  ];
  if (o.secret) lines.push('', '[[Env]]', 'Name = "API_TOKEN"', `Secret = "${o.secret}"`, 'SecretKey = "token"');
  return lines.join('\n') + '\n';
}

export async function instanceAppBundle(o: InstanceAppOptions): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('app.toml', instanceAppToml(o));
  zip.file('static/icon.png', PNG);
  zip.file(
    'probe.py',
    o.failing ? "import sys\nprint('boom: DATABASE_URL is not configured', file=sys.stderr, flush=True)\nsys.exit(4)\n" : INSTANCE_APP,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Sends "ping" over a websocket opened from `page` (so its cookies go along) and answers the first message back. */
export const echoThroughWebsocket = (page: Page, url: string) =>
  page.evaluate(
    (wsUrl) =>
      new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(wsUrl);
        ws.onopen = () => ws.send('ping');
        ws.onmessage = (e) => {
          resolve(String(e.data));
          ws.close();
        };
        ws.onerror = () => reject(new Error('websocket failed'));
      }),
    url,
  );
