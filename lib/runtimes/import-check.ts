// The import-time rule for Runtime.RuntimeVersion: a known runtime (or the default when none is named),
// with warnings for GPU settings on a CPU runtime and for deprecated runtimes.
import 'server-only';
import type { Problem } from '@/lib/errors';
import { defaultRuntimeVersion, getRuntimeVersion, listRuntimeVersions } from './catalog';

const PATH = 'Runtime.RuntimeVersion';

/** The runtime that applies (requested, or the current default when none), or errors listing the known names; warning when GPUCount > 0 on a CPU runtime, and when the runtime is deprecated. */
export function resolveRuntimeVersion(
  requested: string | null,
  gpuCount: number,
): { runtimeVersion: string | null; errors: Problem[]; warnings: Problem[] } {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const wanted = requested?.trim() || null;
  const runtime = wanted ? getRuntimeVersion(wanted) : defaultRuntimeVersion();
  if (!runtime) {
    const known = listRuntimeVersions().map((r) => (r.status === 'deprecated' ? `${r.name} (deprecated)` : r.name));
    errors.push({
      path: PATH,
      message: wanted
        ? `Runtime version "${wanted}" is not known to this App Store. Known runtime versions: ${known.join(', ') || 'none'}.`
        : `No RuntimeVersion is set and this App Store has no default runtime version; set one of: ${known.join(', ') || 'none'}.`,
    });
    return { runtimeVersion: null, errors, warnings };
  }
  if (runtime.status === 'deprecated') {
    warnings.push({
      path: PATH,
      message: `Runtime version "${runtime.name}" is deprecated${runtime.note ? ` (${runtime.note})` : ''}; move the app to a supported one.`,
    });
  }
  if (gpuCount > 0 && !runtime.gpu) {
    const gpuNames = listRuntimeVersions()
      .filter((r) => r.gpu && r.status !== 'deprecated')
      .map((r) => r.name);
    warnings.push({
      path: 'Runtime.GPUCount',
      message: `GPUCount is ${gpuCount} but runtime version "${runtime.name}"${wanted ? '' : ' (the default)'} has no GPU support${gpuNames.length ? `; GPU runtimes: ${gpuNames.join(', ')}` : ''}.`,
    });
  }
  return { runtimeVersion: runtime.name, errors, warnings };
}
