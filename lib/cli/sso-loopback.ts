// `appstore login --sso` when the identity provider offers no device authorization grant: the authorization
// code flow with PKCE (S256) for native apps through a loopback redirect (RFC 8252 §7.3). The CLI listens on
// 127.0.0.1 on a port the system picks, opens (or prints) the provider's sign-in address, checks the `state`
// the browser brings back, and trades the code for tokens with its code verifier.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { CliError } from './errors';
import type { CliIo } from './io';

const CALLBACK_PATH = '/callback';

export interface LoopbackOptions {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  scope: string;
  resource: string | null;
  transport: { [oauth.allowInsecureRequests]?: boolean };
  /** Try to open the system's browser (`--no-browser`: only print the address). */
  openBrowser: boolean;
  /** How long to wait for the browser to come back. */
  timeoutMs?: number;
}

/** Opens `url` in the system's browser; failing that, the printed address is the way. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no opener on this system: the address is printed anyway
  }
}

function failure(error: unknown): CliError {
  if (error instanceof oauth.AuthorizationResponseError) {
    if (error.error === 'access_denied') return new CliError('the sign-in was refused at the identity provider');
    return new CliError(`the identity provider refused the sign-in (${error.error})`);
  }
  if (error instanceof oauth.ResponseBodyError) return new CliError(`the identity provider refused the sign-in (${error.error})`);
  if (error instanceof CliError) return error;
  // oauth4webapi says which check failed (e.g. an unexpected "state"); it never holds the code or a token.
  return new CliError(`the sign-in failed: ${(error as Error).message}`);
}

export async function loopbackSignIn(io: CliIo, o: LoopbackOptions): Promise<oauth.TokenEndpointResponse> {
  if (!o.as.authorization_endpoint) throw new CliError('the identity provider offers neither the device authorization grant nor an authorization endpoint');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new CliError(`cannot listen on 127.0.0.1 for the sign-in's answer: ${e.message}`)));
    server.listen(0, '127.0.0.1', () => resolve());
  });
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;
    const url = new URL(o.as.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: o.client.client_id,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: o.scope,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(o.resource ? { resource: o.resource } : {}),
    }).toString();
    io.stderr.write(`To sign in, open ${url.href}\n(this terminal waits for the browser to come back to ${redirectUri})\n`);
    if (o.openBrowser) openInBrowser(url.href);

    // The first request to the callback path ends the wait, whatever it brings: a wrong state is refused.
    const { received, browser } = await new Promise<{ received: URL; browser: http.ServerResponse }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CliError('nobody signed in within 5 minutes; run `appstore login --sso` again')), o.timeoutMs ?? 5 * 60_000);
      server.on('request', (req, res) => {
        const target = new URL(req.url ?? '/', redirectUri);
        if (req.method !== 'GET' || target.pathname !== CALLBACK_PATH) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
          return;
        }
        clearTimeout(timer);
        resolve({ received: target, browser: res });
      });
    });
    const tell = (status: number, text: string) => browser.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
    try {
      const params = oauth.validateAuthResponse(o.as, o.client, received.searchParams, state);
      const response = await oauth.authorizationCodeGrantRequest(o.as, o.client, oauth.None(), params, redirectUri, verifier, {
        ...o.transport,
        ...(o.resource ? { additionalParameters: { resource: o.resource } } : {}),
      });
      const tokens = await oauth.processAuthorizationCodeResponse(o.as, o.client, response);
      tell(200, 'Signed in: the appstore CLI has its token. You can close this tab.');
      return tokens;
    } catch (error) {
      const refused = failure(error);
      tell(400, `The sign-in failed: ${refused.message.replace(/^the sign-in failed: /, '')}. Return to the terminal.`);
      throw refused;
    }
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
