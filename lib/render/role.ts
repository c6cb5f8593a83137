// Which part this process plays when RENDER_WORKERS is on (server.ts): the primary, which runs the start-up jobs,
// the instance manager and everything but the catalog's read pages, or a render worker, which only renders those
// pages (lib/render/pool.ts). Kept on globalThis: server.ts sets it before Next loads, and Next's bundles
// (instrumentation.ts, the app pages) read it.
import type { RunnerCapabilities } from '@/lib/runner/types';

const WORKER = Symbol.for('appstore.renderWorker');
const STATUS = Symbol.for('appstore.renderWorkers');
const WARM_UP = Symbol.for('appstore.renderWorkerWarmUp');

/** What a render worker knows of the host's runner: the primary's answer (its runner probed the sandbox). */
export interface WorkerRunnerFacts {
  capabilities(): Promise<RunnerCapabilities>;
}

/** The primary's render workers, for /api/health: how many are wanted and how many answer now. */
export interface RenderWorkersStatus {
  wanted: number;
  ready: number;
}

type Holder = { [WORKER]?: WorkerRunnerFacts; [STATUS]?: () => RenderWorkersStatus; [WARM_UP]?: Promise<number | null> };
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

/**
 * In a render worker: its search's warm-up (instrumentation.ts starts it with the process's first request), which
 * server.ts waits for before the worker takes pages, so that no visitor's page waits behind it (undefined
 * removes it: tests).
 */
export function setRenderWorkerWarmUp(warmUp: Promise<number | null> | undefined): void {
  holder[WARM_UP] = warmUp;
}

/**
 * The worker's warm-up: the documents it went through once it is over, null if it failed, undefined when none
 * was started. Never rejects.
 */
export function renderWorkerWarmUp(): Promise<number | null | undefined> {
  return holder[WARM_UP] ?? Promise.resolve(undefined);
}
