// An app with `EnableOIDC = true` started by the local runner (real processes, the h2o-wave TEST DOUBLE):
// its instance reads the H2O_WAVE_OIDC_* settings the portal computed (lib/instances/spec.ts), and the
// runner's log names the client secret as a secret without ever printing its value.
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewApp } from '@/db/schema';
import { instanceSpec } from '@/lib/instances/spec';
import { bundlePath } from '@/lib/storage/paths';
import { insertAppRow, insertUser, useTempDataDir } from '@/lib/testing/db';
import { setEnv } from '@/lib/testing/env';
import { LocalRunner } from './local-runner';
import { waveTestDoubleWheel } from './testing/apps';
import { zipBytes } from './testing/build';

const data = useTempDataDir();

const OIDC_ENV = {
  PUBLIC_URL: 'https://portal.example.test',
  OIDC_ISSUER: 'https://id.example.test/realms/main',
  OIDC_CLIENT_ID: 'portal',
  OIDC_CLIENT_SECRET: 'portal-client-secret-never-in-apps',
  OIDC_SCOPE: 'openid profile email',
  OIDC_APP_CLIENT_ID: 'wave-apps',
  OIDC_APP_CLIENT_SECRET: 'wave-apps-secret-0f1e2d3c',
};

// The Wave app answers its H2O_WAVE_OIDC_* environment (and whether the portal's own secret reached it) as JSON.
const OIDC_WAVE_APP = String.raw`
import json, os
def serve(path):
    env = {k: v for k, v in os.environ.items() if k.startswith('H2O_WAVE_OIDC_')}
    env['portal_secret_present'] = any('portal-client-secret' in v for v in os.environ.values())
    return json.dumps(env)
`;

function get(endpoint: { host: string; port: number }, pathAndQuery: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: endpoint.host, port: endpoint.port, path: pathAndQuery, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

let runner: LocalRunner;

beforeAll(() => {
  setEnv(OIDC_ENV);
  chmodSync(data.dir(), 0o711); // the sandbox users must traverse DATA_DIR to reach DATA_DIR/runner
  runner = new LocalRunner({ dir: path.join(data.dir(), 'runner'), startTimeoutMs: 120_000, operatorEnv: { PIP_NO_INDEX: '1' } });
});

afterAll(() => setEnv(Object.fromEntries(Object.keys(OIDC_ENV).map((k) => [k, undefined]))));

describe('a Wave app with EnableOIDC = true, run by the local runner', () => {
  it('reads the H2O_WAVE_OIDC_* settings in its environment; the log names the secret and never shows it', async () => {
    const wave = await waveTestDoubleWheel();
    // Stored where imported bundles are (DATA_DIR/bundles, by content hash), as the import would.
    const bytes = await zipBytes({ 'app.toml': '', 'app.py': OIDC_WAVE_APP, 'requirements.txt': 'h2o-wave-test-double==0.0.1\n', [wave.filename]: wave.bytes });
    const sha = createHash('sha256').update(bytes).digest('hex');
    mkdirSync(path.dirname(bundlePath(sha)), { recursive: true });
    writeFileSync(bundlePath(sha), bytes);
    const owner = insertUser();
    const appId = insertAppRow({
      ownerId: owner.id,
      name: 'oidc-wave-app',
      runtime: { module: 'app', appMode: 'wave', routingMode: 'BASE_URL', enableOIDC: true } as NewApp['runtime'],
      bundleSha256: sha,
    });
    const id = randomUUID();
    // The spec the portal starts instances with: the app's row, the configured apps client, its own address.
    const spec = instanceSpec({ id, appId });
    const started = await runner.start(spec).catch((e) => {
      console.log(e.lastLines?.join('\n'));
      throw e;
    });
    try {
      const answer = await get(started.endpoint, `/instance/${id}/env`);
      const env = JSON.parse(answer.slice(answer.indexOf(' -> ') + 4));
      expect(env).toEqual({
        H2O_WAVE_OIDC_PROVIDER_URL: OIDC_ENV.OIDC_ISSUER,
        H2O_WAVE_OIDC_CLIENT_ID: 'wave-apps',
        H2O_WAVE_OIDC_CLIENT_SECRET: OIDC_ENV.OIDC_APP_CLIENT_SECRET,
        H2O_WAVE_OIDC_REDIRECT_URL: `https://portal.example.test/instance/${id}/_auth/callback`,
        H2O_WAVE_OIDC_SCOPES: 'openid,profile,email',
        portal_secret_present: false,
      });
      const log = await runner.logs(id).read();
      expect(log).toContain('H2O_WAVE_OIDC_CLIENT_SECRET (secret)');
      expect(log).toMatch(/H2O_WAVE_OIDC_PROVIDER_URL(?! \(secret\))/);
      expect(log).not.toContain(OIDC_ENV.OIDC_APP_CLIENT_SECRET);
      expect(log).not.toContain(OIDC_ENV.OIDC_CLIENT_SECRET);
    } finally {
      await runner.stop(id);
    }
  }, 180_000);
});
