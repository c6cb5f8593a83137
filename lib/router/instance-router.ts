// The app router: sees every request and websocket upgrade before Next (server.ts), and answers those for
// instances — BASE_URL `/instance/<id>/…` and DOMAIN `<label>.<APPS_DOMAIN>` — through the gateway that
// the portal installed at start-up (lib/instances/gateway.ts: authorization via lib/auth, status, upstream).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { GatewayDecision, InstanceGateway } from '@/lib/instances/gateway';
import { createInstanceProxy } from './proxy';
import { parseInstanceRequest } from './routes';

const GATEWAY = Symbol.for('appstore.instanceGateway');

export interface RequestRouter {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean>;
}

export function createInstanceRouter(): RequestRouter {
  const proxy = createInstanceProxy();
  const gateway = () => (globalThis as { [GATEWAY]?: InstanceGateway })[GATEWAY];

  async function decide(req: IncomingMessage): Promise<GatewayDecision | null> {
    const g = gateway();
    if (!g) return null;
    const target = parseInstanceRequest(req.headers.host, req.url ?? '/', g.settings());
    return target ? g.decide(req, target) : null;
  }

  return {
    async handle(req, res) {
      const decision = await decide(req);
      if (!decision) return false;
      if (decision.kind === 'respond') {
        res.writeHead(decision.status, decision.headers);
        res.end(decision.body);
        return true;
      }
      proxy.web(req, res, decision.upstream, decision.path, decision.activity);
      return true;
    },
    async upgrade(req, socket, head) {
      const decision = await decide(req);
      if (!decision) return false;
      if (decision.kind === 'respond') {
        const headers = Object.entries(decision.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`));
        socket.end(`HTTP/1.1 ${decision.status} ${STATUS_CODES[decision.status] ?? ''}\r\n${[...headers, 'connection: close', '', ''].join('\r\n')}`);
        return true;
      }
      proxy.ws(req, socket, head, decision.upstream, decision.path, decision.activity);
      return true;
    },
  };
}
