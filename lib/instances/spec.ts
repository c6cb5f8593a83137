// What a runner needs to start one instance, assembled from the app version's row: its runtime settings,
// its [[Env]]/[[File]] values with secrets decrypted at this moment (never stored or logged), and routing.
import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { apps, type App, type RetiredAppVersion, type ValueDeclaration } from '@/db/schema';
import { config, publicUrl } from '@/lib/config';
import { instanceUrl } from '@/lib/router/routes';
import { routerSettings } from './router-settings';
import { waveOidcEnv } from './wave-oidc';
import { instanceBaseUrl, toInstanceRuntime, type InstanceSpec, type ResolvedEnv, type ResolvedFile } from '@/lib/runner';
import { getRuntimeVersion } from '@/lib/runtimes/catalog';
import { usableSecretValue } from '@/lib/secrets/import-check';
import { bundlePath } from '@/lib/storage/paths';

/** A start that cannot be attempted: the reason is shown on the instance page. */
export class SpecProblem extends Error {}

function resolveValue(ownerId: string, d: ValueDeclaration, label: string): { value: string; secret: boolean } | null {
  if (d.secret === undefined) return { value: d.value ?? '', secret: false };
  const value = d.secretKey === undefined ? null : usableSecretValue({ id: ownerId }, d.secret, d.secretKey);
  if (value !== null) return { value, secret: true };
  if (d.optional) return null;
  throw new SpecProblem(
    `${label} needs key "${d.secretKey ?? ''}" of secret "${d.secret}", which the app's owner can no longer use. Restore the secret, then restart.`,
  );
}

/** The app version an instance runs: its row, or the copy kept on the instance when the version was deleted. */
export function versionOfInstance(instance: { appId: string; appSnapshot?: RetiredAppVersion | null }): RetiredAppVersion | App | null {
  return getDb().select().from(apps).where(eq(apps.id, instance.appId)).get() ?? instance.appSnapshot ?? null;
}

export function instanceSpec(instance: { id: string; appId: string; appSnapshot?: RetiredAppVersion | null; primaryAlias?: string | null }): InstanceSpec {
  const app = versionOfInstance(instance);
  if (!app) throw new SpecProblem('The app version of this instance no longer exists.');
  const env: ResolvedEnv[] = [];
  app.env.forEach((d, i) => {
    const v = resolveValue(app.ownerId, d, `Env[${i}] (${d.name ?? '?'})`);
    if (v) env.push({ name: d.name ?? '', ...v });
  });
  const files: ResolvedFile[] = [];
  app.files.forEach((d, i) => {
    const v = resolveValue(app.ownerId, d, `File[${i}] (${d.path ?? '?'})`);
    if (v) files.push({ path: d.path ?? '', ...v });
  });
  const runtime = toInstanceRuntime(app.runtime);
  const label = instance.primaryAlias ?? instance.id;
  // Apps that sign their users in themselves (EnableOIDC) get the provider and the apps' client, after their own [[Env]].
  if (app.runtime.enableOIDC) env.push(...waveOidcEnv(config().oidc, instanceUrl(label, runtime.routingMode, routerSettings())));
  return {
    instanceId: instance.id,
    appVersionId: app.id,
    appName: app.name,
    appVersion: app.version,
    bundlePath: bundlePath(app.bundleSha256),
    runtime,
    // Started under its primary alias when it has one, as it is reached there (the router maps other prefixes).
    baseUrl: instanceBaseUrl(label, runtime.routingMode),
    pythonVersion: app.runtimeVersion ? (getRuntimeVersion(app.runtimeVersion)?.pythonVersion ?? null) : null,
    env,
    files,
    portalUrl: publicUrl(),
  };
}
