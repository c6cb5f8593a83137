// Drives instances through their statuses with a Runner: start (PENDING with its stages → DEPLOYED or
// FAILED), crash → FAILED, suspend/resume, terminate, the idle timeout, and recovery after a portal
// restart. Who may ask for each of these is checked by lib/instances/store before the manager is called.
import 'server-only';
import type { InstanceStage } from '@/db/schema';
import { defaultInstanceTimeout } from '@/lib/config';
import { RunnerError, type Runner, type UpstreamEndpoint } from '@/lib/runner/types';
import { basePath } from '@/lib/router/routes';
import { durationMs } from './duration';
import { instanceSpec, SpecProblem } from './spec';
import { appVersionInUse, systemDelete, systemGet, systemList, systemSetState, systemSetSuspendAfter, type InstanceRecord } from './store';

const IDLE_SWEEP_MS = 1_000;

interface Deployed {
  timeoutMs: number | null;
  autoSuspend: boolean;
  /** When suspendAfter was last written. */
  flushedAt: number;
}

export class InstanceManager {
  private readonly starts = new Map<string, Promise<void>>();
  private readonly deployed = new Map<string, Deployed>();
  /** Instances being stopped on purpose: their exit is not a crash. */
  private readonly stopping = new Set<string>();
  /** The base URL each running instance was started with (what its app believes its prefix is). */
  private readonly bases = new Map<string, string>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    readonly runner: Runner,
    private readonly now: () => number = Date.now,
  ) {}

  /** Idle timeout of an instance's app in ms, or null for never. */
  timeoutOf(record: InstanceRecord): number | null {
    return durationMs(record.app.instanceTimeout ?? defaultInstanceTimeout());
  }

  /** Starts (or restarts) an instance in the background; its row shows the progress. */
  launch(id: string): Promise<void> {
    const running = this.starts.get(id);
    if (running) return running;
    const start = this.start(id).finally(() => this.starts.delete(id));
    this.starts.set(id, start);
    return start;
  }

  private async start(id: string): Promise<void> {
    const record = systemGet(id);
    if (!record) return;
    let spec;
    try {
      spec = instanceSpec(record);
    } catch (error) {
      if (!(error instanceof SpecProblem)) throw error;
      systemSetState(id, { status: 'FAILED', reason: error.message, suspendAfter: null });
      return;
    }
    this.bases.set(id, spec.baseUrl);
    try {
      await this.runner.start(spec, {
        onStage: (event) => {
          if (event.stage === 'SOURCING' || event.stage === 'INSTALLING' || event.stage === 'STARTING') {
            systemSetState(id, { status: 'PENDING', stage: event.stage as InstanceStage });
          }
        },
        onExit: (event) => {
          this.deployed.delete(id);
          if (this.stopping.has(id) || !systemGet(id)) return;
          const how = event.signal ? `was killed by ${event.signal}` : `exited with code ${event.exitCode}`;
          systemSetState(id, { status: 'FAILED', reason: `The app ${how}. Its last log lines are below; Restart starts it again.`, suspendAfter: null });
        },
      });
    } catch (error) {
      if (!systemGet(id) || this.stopping.has(id)) return;
      const reason = error instanceof RunnerError ? error.message : 'The instance could not be started (the error has been logged).';
      if (!(error instanceof RunnerError)) console.error(`Instance ${id} failed to start:`, error);
      systemSetState(id, { status: 'FAILED', reason, suspendAfter: null });
      return;
    }
    const current = systemGet(id);
    if (!current) {
      await this.runner.terminate(id);
      return;
    }
    const timeoutMs = this.timeoutOf(current);
    const suspendAfter = current.autoSuspend && timeoutMs !== null ? new Date(this.now() + timeoutMs) : null;
    this.deployed.set(id, { timeoutMs, autoSuspend: current.autoSuspend, flushedAt: this.now() });
    systemSetState(id, { status: 'DEPLOYED', suspendAfter });
  }

  /** The prefix the instance's app was started with (BASE_URL: `/instance/<id>/` or `/alias/<primary>/`). */
  startedBase(id: string): string | undefined {
    return this.bases.get(id);
  }

  /**
   * A BASE_URL app learns its prefix (`H2O_WAVE_BASE_URL`) when it starts. When the instance's primary alias
   * changes (created, promoted, assigned, unassigned, deleted), a running instance started under another
   * prefix is restarted under the new one, so the links it writes are its address; one still starting is
   * looked at again once it answers. Resolves to whether it restarted it.
   */
  async rebase(id: string, actorId: string | null): Promise<boolean> {
    await this.starts.get(id)?.catch(() => undefined);
    const record = systemGet(id);
    if (!record || record.app.routingMode !== 'BASE_URL' || record.status !== 'DEPLOYED' || this.stopping.has(id)) return false;
    const base = basePath(record.primaryAlias ?? id);
    if (this.bases.get(id) === base) return false;
    this.stopping.add(id);
    try {
      await this.runner.stop(id);
      this.deployed.delete(id);
    } finally {
      this.stopping.delete(id);
    }
    if (!systemGet(id)) return false;
    systemSetState(
      id,
      { status: 'PENDING', stage: 'SOURCING', suspendAfter: null },
      { actorId, action: 'instance.resume', details: { restart: 'primary alias changed', base } },
    );
    void this.launch(id);
    return true;
  }

  /** Where the router connects, while the instance answers. */
  endpoint(id: string): UpstreamEndpoint | null {
    return this.runner.endpoint(id);
  }

  /** Traffic through the router moves the idle deadline (written at most every quarter of the timeout). */
  activity(id: string): void {
    const d = this.deployed.get(id);
    if (!d || !d.autoSuspend || d.timeoutMs === null) return;
    const now = this.now();
    if (now - d.flushedAt < Math.min(5_000, d.timeoutMs / 4)) return;
    d.flushedAt = now;
    systemSetSuspendAfter(id, new Date(now + d.timeoutMs));
  }

  /** "Keep running": the idle deadline starts again from now. */
  keepAlive(record: InstanceRecord): Date | null {
    const timeoutMs = this.timeoutOf(record);
    if (record.status !== 'DEPLOYED' || !record.autoSuspend || timeoutMs === null) return record.suspendAfter;
    const at = new Date(this.now() + timeoutMs);
    systemSetSuspendAfter(record.id, at);
    const d = this.deployed.get(record.id);
    if (d) d.flushedAt = this.now();
    return at;
  }

  /** Auto-suspend switched on or off by an admin. */
  autoSuspendChanged(record: InstanceRecord): void {
    const d = this.deployed.get(record.id);
    if (d) d.autoSuspend = record.autoSuspend;
    if (record.autoSuspend) this.keepAlive(record);
  }

  async suspend(id: string, by: { actorId: string | null; idle?: boolean }): Promise<void> {
    this.stopping.add(id);
    try {
      await this.starts.get(id)?.catch(() => undefined);
      await this.runner.stop(id);
      this.deployed.delete(id);
      systemSetState(
        id,
        { status: 'SUSPENDED', suspendAfter: null },
        { actorId: by.actorId, action: 'instance.suspend', details: by.idle ? { reason: 'idle' } : {} },
      );
    } finally {
      this.stopping.delete(id);
    }
  }

  /** Resume a SUSPENDED instance, or restart a FAILED one. */
  resume(id: string, actorId: string | null): Promise<void> {
    systemSetState(id, { status: 'PENDING', stage: 'SOURCING', suspendAfter: null }, { actorId, action: 'instance.resume' });
    return this.launch(id);
  }

  async terminate(id: string, actorId: string | null): Promise<void> {
    this.stopping.add(id);
    try {
      await this.runner.terminate(id);
      this.deployed.delete(id);
      this.bases.delete(id);
      const appVersionId = systemDelete(id, actorId);
      if (appVersionId) await this.releaseAppVersion(appVersionId);
    } finally {
      this.stopping.delete(id);
    }
  }

  /**
   * After a version was deleted or one of its instances terminated: once neither the version nor any instance of
   * it is left, what the runner prepared for it (the extracted bundle) goes. A failure is logged, not raised: the
   * start-up's sweep (sweepAppVersions) removes it later.
   */
  async releaseAppVersion(appVersionId: string): Promise<void> {
    try {
      if (!appVersionInUse(appVersionId)) await this.runner.forgetAppVersion(appVersionId);
    } catch (error) {
      console.error(`Removing the prepared files of app version ${appVersionId} failed:`, error);
    }
  }

  /** What the runner prepared for app versions no longer in use (deleted while the portal was down, or a failed removal). */
  sweepAppVersions(): Promise<{ appVersions: number; environments: number }> {
    return this.runner.forgetAppVersionsExcept(appVersionInUse);
  }

  /** Suspends every DEPLOYED instance whose idle deadline has passed. */
  async sweepIdle(): Promise<void> {
    const now = this.now();
    for (const record of systemList(['DEPLOYED'])) {
      if (record.autoSuspend && record.suspendAfter && record.suspendAfter.getTime() <= now && !this.stopping.has(record.id)) {
        await this.suspend(record.id, { actorId: null, idle: true }).catch((error) =>
          console.error(`Could not suspend idle instance ${record.id}:`, error),
        );
      }
    }
  }

  /**
   * After a (re)start of the portal: every instance that was DEPLOYED or PENDING is started again with its
   * id and volume, so none is left in a state that lies; then the idle sweep runs every second.
   */
  recover(): void {
    for (const record of systemList(['DEPLOYED', 'PENDING'])) {
      systemSetState(record.id, { status: 'PENDING', stage: 'SOURCING', suspendAfter: null });
      void this.launch(record.id);
    }
    this.sweeper ??= setInterval(() => void this.sweepIdle(), IDLE_SWEEP_MS);
    this.sweeper.unref();
  }

  async shutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const id of this.deployed.keys()) this.stopping.add(id);
    await this.runner.shutdown();
  }
}
