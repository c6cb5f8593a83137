// Which part this process plays when RENDER_WORKERS is on (server.ts): the primary, which runs the start-up jobs,
// the instance manager and everything but the catalog's read pages, or a render worker, which only renders those
// pages (lib/render/pool.ts). Kept on globalThis: server.ts sets it before Next loads, and Next's bundles
// (instrumentation.ts, the app pages) read it.
import type { RunnerCapabilities } from '@/lib/runner/types';

const WORKER = Symbol.for('appstore.renderWorker');
const STATUS = Symbol.for('appstore.renderWorkers');

/** What a render worker knows of the host's runner: the primary's answer (its runner probed the sandbox). */
export interface WorkerRunnerFacts {
  capabilities(): Promise<RunnerCapabilities>;
}

/** The primary's render workers, for /api/health: how many are wanted and how many answer now. */
export interface RenderWorkersStatus {
  wanted: number;
  ready: number;
}

type Holder = { [WORKER]?: WorkerRunnerFacts; [STATUS]?: () => RenderWorkersStatus };
const holder = globalThis as Holder;

/** Marks this process as a render worker (server.ts, before Next loads): no start-up jobs, no instances. */
export function markRenderWorker(runner: WorkerRunnerFacts): void {
  holder[WORKER] = runner;
}

export function isRenderWorker(): boolean {
  return holder[WORKER] !== undefined;
}

/** In a render worker: the runner facts the primary hands over. Undefined elsewhere. */
export function renderWorkerRunner(): WorkerRunnerFacts | undefined {
  return holder[WORKER];
}

/** A render worker refuses to do what only the primary may (run the start-up jobs, start or stop instances). */
export function assertNotRenderWorker(what: string): void {
  if (isRenderWorker()) throw new Error(`A render worker never ${what}: only the primary server does (lib/render/role.ts).`);
}

export function setRenderWorkersStatus(status: () => RenderWorkersStatus): void {
  holder[STATUS] = status;
}

/** The primary's render workers, or null when this process runs none (RENDER_WORKERS=0, a worker, tests). */
export function renderWorkersStatus(): RenderWorkersStatus | null {
  return holder[STATUS]?.() ?? null;
}
