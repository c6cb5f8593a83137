// The app router: sees every request and websocket upgrade before Next (server.ts), and answers those for
// instances — BASE_URL `/instance/<id>/…` and DOMAIN `<label>.<APPS_DOMAIN>` — through the gateway that
// the portal installed at start-up (lib/instances/gateway.ts: authorization via lib/auth, status, upstream).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { InstanceGateway } from '@/lib/instances/gateway';
import { installedGateway } from '@/lib/instances/installed';
import { createInstanceProxy } from './proxy';
import { parseInstanceRequest, type InstanceRequest } from './routes';

export interface RequestRouter {
  /** False at once (synchronously) for traffic that is not an instance's, so the portal's own handling starts in the same tick. */
  handle(req: IncomingMessage, res: ServerResponse): false | Promise<true>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): false | Promise<true>;
}

export function createInstanceRouter(): RequestRouter {
  const proxy = createInstanceProxy();

  function classify(req: IncomingMessage): { g: InstanceGateway; target: InstanceRequest } | null {
    const g = installedGateway();
    if (!g) return null;
    const target = parseInstanceRequest(req.headers.host, req.url ?? '/', g.settings());
    return target ? { g, target } : null;
  }

  return {
    handle(req, res) {
      const found = classify(req);
      if (!found) return false;
      return found.g.decide(req, found.target).then((decision) => {
        if (decision.kind === 'respond') {
          res.writeHead(decision.status, decision.headers);
          res.end(decision.body);
        } else {
          proxy.web(req, res, decision.upstream, decision.path, decision.activity);
        }
        return true as const;
      });
    },
    upgrade(req, socket, head) {
      const found = classify(req);
      if (!found) return false;
      return found.g.decide(req, found.target).then((decision) => {
        if (decision.kind === 'respond') {
          const headers = Object.entries(decision.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`));
          socket.end(`HTTP/1.1 ${decision.status} ${STATUS_CODES[decision.status] ?? ''}\r\n${[...headers, 'connection: close', '', ''].join('\r\n')}`);
        } else {
          proxy.ws(req, socket, head, decision.upstream, decision.path, decision.activity);
        }
        return true as const;
      });
    },
  };
}
