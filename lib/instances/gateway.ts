// What the instance router (server.ts → lib/router/instance-router.ts) asks for every request to an
// instance: may this viewer open it, is it running, where does it listen. Runs inside the portal's Next
// server process (installed at start-up), so it reads the viewer through lib/auth like every page does.
import 'server-only';
import type { IncomingMessage } from 'node:http';
import { canOpenInstance } from '@/lib/auth/instance-policy';
import { HANDOFF_PATH, hostSessionCookie, redeemHandoff, safeReturnPath, signHostSession } from '@/lib/auth/instance-session';
import { authSecret } from '@/lib/auth/secret';
import { accessSettings } from '@/lib/auth/access-settings';
import { publicUrl } from '@/lib/config';
import { loginUrl } from '@/lib/urls';
import { basePath, instanceUrl, isInstanceId, upstreamPath, type InstanceRequest, type RouterSettings } from '@/lib/router/routes';
import { assertNotRenderWorker, renderWorkerRunner } from '@/lib/render/role';
import type { Runner, UpstreamEndpoint } from '@/lib/runner/types';
import { installedManager, setInstalled } from './installed';
import type { InstanceManager } from './manager';
import { routerSettings } from './router-settings';
import { aliasTarget, routeFacts } from './store';

export type GatewayDecision =
  | { kind: 'proxy'; upstream: UpstreamEndpoint; path: string; activity: () => void }
  | { kind: 'respond'; status: number; headers: Record<string, string | string[]>; body?: string };

export interface InstanceGateway {
  settings(): RouterSettings;
  decide(req: IncomingMessage, target: InstanceRequest): Promise<GatewayDecision>;
}


const NO_STORE = { 'cache-control': 'no-store' };
/**
 * On the gateway's own answers (its pages, redirects and 503s), as the front puts them on the portal's:
 * they come from the portal, on the portal's or an app's origin. Proxied app traffic keeps the app's headers.
 */
export const GATEWAY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
} as const;

function respond(status: number, headers: Record<string, string | string[]>, body?: string): GatewayDecision {
  return { kind: 'respond', status, headers: { ...GATEWAY_HEADERS, ...NO_STORE, ...headers }, body };
}

function redirect(status: 302 | 307, location: string, extra: Record<string, string | string[]> = {}): GatewayDecision {
  return respond(status, { location, ...extra });
}

function page(status: number, title: string, message: string, link?: { href: string; label: string }): GatewayDecision {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>${esc(title)} · App Store</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1>${esc(title)}</h1><p>${esc(message)}</p>${link ? `<p><a href="${esc(link.href)}">${esc(link.label)}</a></p>` : ''}</body></html>`;
  return respond(status, { 'content-type': 'text/html; charset=utf-8' }, body);
}

const inactiveAliasPage = (alias: string) =>
  page(404, `${alias} is not running`, `The address ${alias} is not connected to a running app at the moment. Try again later, or ask an administrator.`, {
    href: publicUrl(),
    label: 'App Store',
  });

const notFoundPage = () =>
  page(404, 'No such app instance', 'This instance does not exist, was terminated, or you may not open it.', {
    href: `${publicUrl()}/instances`,
    label: 'My instances',
  });

function wantsPage(req: IncomingMessage): boolean {
  return req.method === 'GET' && !req.headers.upgrade && (req.headers.accept ?? '').includes('text/html');
}

/**
 * Only these follow a redirect to the primary alias: browsers do not follow one on a websocket upgrade, and a
 * 302 turns a POST into a GET. The others are proxied under the prefix the instance was started with.
 */
function mayRedirect(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !req.headers.upgrade;
}

/**
 * Who asks: the app host's session (DOMAIN) or the portal's (BASE_URL), both through lib/auth. Loaded on
 * first use, so the manager also starts where Auth.js is not loaded (the tests' child processes).
 */
async function viewerOf(req: IncomingMessage, form: InstanceRequest['form'], instanceId: string) {
  const { viewerFromHostSession, viewerFromPortalSession } = await import('@/lib/auth/request-viewer');
  return form === 'DOMAIN' ? viewerFromHostSession(req.headers, instanceId) : viewerFromPortalSession(req);
}

export function createGateway(manager: InstanceManager): InstanceGateway {
  return {
    settings: routerSettings,
    async decide(req, target) {
      const settings = routerSettings();
      let id = target.label;
      if (!isInstanceId(target.label)) {
        const pointsAt = aliasTarget(target.label);
        if (pointsAt === undefined) return notFoundPage();
        if (pointsAt === null) return inactiveAliasPage(target.label);
        id = pointsAt;
      }
      const record = routeFacts(id);
      if (!record) return notFoundPage();
      if (record.routingMode !== target.form) {
        return redirect(307, instanceUrl(target.label, record.routingMode, settings, target.rest));
      }

      if (target.form === 'DOMAIN' && target.rest.startsWith(`${HANDOFF_PATH}?`)) {
        const query = new URLSearchParams(target.rest.slice(HANDOFF_PATH.length + 1));
        const claim = redeemHandoff(query.get('code') ?? '', id);
        if (!claim) return page(403, 'This sign-in link has expired', 'Open the app again from the App Store.', { href: `${publicUrl()}/instances`, label: 'My instances' });
        const cookie = hostSessionCookie(signHostSession(authSecret(), claim, id), settings.appsScheme === 'https');
        return redirect(302, safeReturnPath(query.get('return')), { 'set-cookie': cookie });
      }

      // PUBLIC instances are open to anyone with the URL: no need to know who asks. An alias never widens
      // who may open an instance: the instance's own visibility decides. Authorization comes before the
      // redirect to the primary alias, so who may not open the instance learns nothing of its aliases.
      const viewer = record.visibility === 'PUBLIC' ? null : await viewerOf(req, target.form, id);
      if (!canOpenInstance(viewer, record, accessSettings())) {
        if (viewer || !wantsPage(req)) return notFoundPage();
        if (target.form === 'DOMAIN') {
          return redirect(302, `${publicUrl()}/instance-auth/${id}?label=${target.label}&return=${encodeURIComponent(target.rest)}`);
        }
        return redirect(302, `${publicUrl()}${loginUrl(`${basePath(target.label).slice(0, -1)}${target.rest}`)}`);
      }

      // The platform's rule: an instance is reached under its primary alias, else under its id.
      const canonical = record.primaryAlias ?? id;
      if (target.label !== canonical && mayRedirect(req)) return redirect(302, instanceUrl(canonical, record.routingMode, settings, target.rest));

      const upstream = record.status === 'DEPLOYED' ? manager.endpoint(id) : null;
      if (!upstream) {
        if (wantsPage(req)) return redirect(302, `${publicUrl()}/instances/${id}?open=1`);
        return respond(503, { 'retry-after': '5', 'content-type': 'text/plain; charset=utf-8' }, `The app is ${record.status.toLowerCase()}.\n`);
      }
      return { kind: 'proxy', upstream, path: upstreamPath(target, manager.startedBase(id) ?? basePath(canonical)), activity: () => manager.activity(id) };
    },
  };
}

// ── The process-wide manager and gateway, created at start-up (lib/startup.ts), kept in ./installed ────────

export function installInstances(manager: InstanceManager): void {
  assertNotRenderWorker('starts or stops instances');
  setInstalled(manager, createGateway(manager));
}

/** The instance manager of this server process; throws when the server did not start one. */
export function instanceManager(): InstanceManager {
  const manager = installedManager();
  if (!manager) throw new Error('The instance manager has not been started (lib/startup.ts).');
  return manager;
}

/**
 * What pages ask of the runner (whether a version can run on this host): this process's manager's runner, or
 * in a render worker the primary's answer (lib/render/role.ts).
 */
export function runnerFacts(): Pick<Runner, 'capabilities'> {
  return installedManager()?.runner ?? renderWorkerRunner() ?? instanceManager().runner;
}
