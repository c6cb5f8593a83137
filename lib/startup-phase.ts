// Whether the start-up's background part (lib/startup.ts: the quick check and the sweep of unreferenced
// files) still runs; read by /api/health. Kept on globalThis: the route and instrumentation are bundled apart.
type Phase = 'running' | 'done';
const holder = globalThis as { __appstoreStartUp?: Phase };

/** 'running' until the background part is done (or skipped); null when no server start ran in this process. */
export function startUpPhase(): Phase | null {
  return holder.__appstoreStartUp ?? null;
}

export function setStartUpPhase(phase: Phase): void {
  holder.__appstoreStartUp = phase;
}
