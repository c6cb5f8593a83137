// Whether this host can run an app version at all, before anyone clicks Run: the app page says why not
// (no working sandbox, more GPUs than the host has, OS packages from packages.txt that are not installed)
// instead of letting a start fail. The same reasons the local runner gives when it refuses a start.
import { LRUCache } from 'lru-cache';
import { openBundle } from '@/lib/bundle/zip-reader';
import { missingPackages, parsePackagesTxt } from './packages';
import type { InstanceRuntime, Runner, RunnerCapabilities } from './types';

/** What of an app version decides whether it can run here. */
export interface VersionRunFacts {
  runtime: Pick<InstanceRuntime, 'appMode' | 'gpuCount'>;
}

/** What of the host decides it. */
export interface HostRunFacts {
  capabilities: Pick<RunnerCapabilities, 'sandbox' | 'gpu'>;
  /** The version's packages.txt packages this host does not have installed. */
  missingPackages: readonly string[];
}

export function gpuShortage(wanted: number, available: number): string | null {
  if (!(wanted > 0) || available >= wanted) return null;
  return `The app asks for ${wanted} GPU${wanted > 1 ? 's' : ''} (Runtime.GPUCount) and this host has ${available || 'none'}.`;
}

export function missingPackagesReason(missing: readonly string[]): string | null {
  if (missing.length === 0) return null;
  return `packages.txt needs OS packages this host does not have: ${missing.join(', ')}. The local runner installs no OS packages; ask the operator to install them.`;
}

export function sandboxUnavailableReason(sandbox: RunnerCapabilities['sandbox']): string | null {
  if (sandbox.enabled || sandbox.disabledByOperator) return null;
  return `Apps cannot run on this host: the sandbox is unavailable (${sandbox.unavailableReason ?? 'unknown reason'}).`;
}

/**
 * Why this host's local runner cannot run the version, or null. Every reason that applies, one sentence each,
 * in the order an operator fixes them. Pure: the caller gathers the facts (see `hostRunFacts`).
 */
export function unrunnableOnHost(version: VersionRunFacts, host: HostRunFacts): string | null {
  if (version.runtime.appMode === 'container') {
    return 'This is a container app (Runtime.AppMode = "container"): it needs the Kubernetes runner; the local runner runs Python and Wave apps only.';
  }
  const reasons = [
    sandboxUnavailableReason(host.capabilities.sandbox),
    gpuShortage(version.runtime.gpuCount, host.capabilities.gpu.count),
    missingPackagesReason(host.missingPackages),
  ].filter((r): r is string => r !== null);
  return reasons.length ? reasons.join(' ') : null;
}

/**
 * packages.txt of stored bundles, by path (bundles are stored by content hash, so an answer never changes): the
 * app page asks on every view. Least recently used out past PACKAGES_KEPT, so that a large catalog's views do
 * not keep one entry per version for the life of the process.
 */
export const PACKAGES_KEPT = 4096;
const packagesOfBundle = new LRUCache<string, Promise<string[]>>({ max: PACKAGES_KEPT });

async function bundlePackages(bundlePath: string): Promise<string[]> {
  let names = packagesOfBundle.get(bundlePath);
  if (names) return names;
  names = (async () => {
    const bundle = await openBundle(bundlePath);
    try {
      return bundle.get('packages.txt') ? parsePackagesTxt((await bundle.readFile('packages.txt', 1024 * 1024)).toString('utf8')) : [];
    } finally {
      await bundle.close();
    }
  })();
  packagesOfBundle.set(bundlePath, names);
  const kept = names;
  names.catch(() => {
    if (packagesOfBundle.peek(bundlePath) === kept) packagesOfBundle.delete(bundlePath);
  });
  return names;
}

/** How many bundles' packages are kept (tests). */
export function packagesKept(): number {
  return packagesOfBundle.size;
}

/**
 * Why `runner` cannot run the app version stored at `bundlePath` with these runtime settings, or null (for the
 * app page's "not runnable" line; the start itself checks again). A bundle that cannot be read is not this
 * function's to report: the storage check marks such versions broken.
 */
export async function versionUnrunnableReason(version: VersionRunFacts & { bundlePath: string }, runner: Pick<Runner, 'capabilities'>): Promise<string | null> {
  const capabilities = await runner.capabilities();
  const packages = await bundlePackages(version.bundlePath).catch(() => []);
  return unrunnableOnHost(version, { capabilities, missingPackages: await missingPackages(packages) });
}
