// Where this process keeps its instance manager and the router's gateway: on globalThis, because the start-up
// (lib/startup.ts, inside Next's bundles) installs them and server.ts and lib/router/instance-router.ts, which
// live outside those bundles and hold their own copy of every module, read them. Type imports only, so those two
// can import this file without loading Next's modules (gateway.ts is server-only).
import type { InstanceGateway } from './gateway';
import type { InstanceManager } from './manager';

const MANAGER = Symbol.for('appstore.instanceManager');
const GATEWAY = Symbol.for('appstore.instanceGateway');
type Holder = { [MANAGER]?: InstanceManager; [GATEWAY]?: InstanceGateway };
const holder = globalThis as Holder;

/** Installs this process's manager and gateway (lib/instances/gateway.ts `installInstances`). */
export function setInstalled(manager: InstanceManager, gateway: InstanceGateway): void {
  holder[MANAGER] = manager;
  holder[GATEWAY] = gateway;
}

/** Forgets them again (tests). */
export function clearInstalled(): void {
  delete holder[MANAGER];
  delete holder[GATEWAY];
}

/** The instance manager when this process runs one (not in a render worker, nor in unit tests of the stores). */
export function installedManager(): InstanceManager | undefined {
  return holder[MANAGER];
}

/** The gateway the app router asks about every instance request, when this process runs the instances. */
export function installedGateway(): InstanceGateway | undefined {
  return holder[GATEWAY];
}
