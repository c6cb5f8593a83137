// Turns an audit entry's details into the sentences an administrator reads on /admin/audit.

export interface Described {
  target: string;
  changes: string[];
}

type Ref = { id: string; name: string };

const names = (refs: unknown) =>
  Array.isArray(refs) ? refs.map((r: Ref) => r?.name ?? '?').join(', ') : '';

const show = (v: unknown) => {
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
  if (v === '' || v === null || v === undefined) return '(empty)';
  return String(v);
};

// The throttle's scopes (lib/auth/throttle.ts), as the failures were counted.
const SCOPE: Record<string, string> = {
  accountAddress: 'for this account from this address',
  address: 'from this address (any account)',
  account: 'for this account (any address)',
};

export function describeAudit(action: string, details: Record<string, unknown>): Described {
  const app = `${details.name ?? '?'} ${details.version ?? ''}`.trim();
  switch (action) {
    case 'app.import': {
      const tags = names(details.tags);
      return { target: `app ${app}`, changes: [`imported as ${show(details.visibility)}${tags ? `, tags ${tags}` : ''}`] };
    }
    case 'app.update': {
      const changes: string[] = [];
      const vis = details.visibility as { from: string; to: string } | undefined;
      if (vis) changes.push(`visibility ${vis.from} → ${vis.to}`);
      if (details.tagsAdded) changes.push(`tags added: ${names(details.tagsAdded)}`);
      if (details.tagsRemoved) changes.push(`tags removed: ${names(details.tagsRemoved)}`);
      return { target: `app ${app}`, changes };
    }
    case 'app.delete': {
      const tags = names(details.tags);
      return {
        target: `app ${app}`,
        changes: [
          `deleted (was ${show(details.visibility)}${tags ? `, tags ${tags}` : ''})`,
          ...(Array.isArray(details.instancesKeptRunning) && details.instancesKeptRunning.length
            ? [`${details.instancesKeptRunning.length} instance(s) kept running: ${details.instancesKeptRunning.join(', ')}`]
            : []),
        ],
      };
    }
    case 'tag.create':
      return { target: `tag ${details.name ?? '?'}`, changes: ['created'] };
    case 'tag.update': {
      const changes = Object.entries((details.changes ?? {}) as Record<string, { from: unknown; to: unknown }>).map(
        ([field, c]) => `${field} ${show(c.from)} → ${show(c.to)}`,
      );
      return { target: `tag ${details.name ?? '?'}`, changes };
    }
    case 'tag.delete': {
      const n = Number(details.removedFromApps ?? 0);
      return { target: `tag ${details.name ?? '?'}`, changes: [`deleted (removed from ${n === 1 ? '1 app' : `${n} apps`})`] };
    }
    case 'secret.create':
      return { target: `secret ${details.name ?? '?'}`, changes: [`created (${show(details.visibility)}) with keys ${show(details.keys)}`] };
    case 'secret.update': {
      const changes: string[] = [];
      if (Array.isArray(details.set) && details.set.length) changes.push(`values set: ${show(details.set)}`);
      if (Array.isArray(details.removed) && details.removed.length) changes.push(`keys removed: ${show(details.removed)}`);
      return { target: `secret ${details.name ?? '?'}`, changes };
    }
    case 'secret.delete':
      return { target: `secret ${details.name ?? '?'}`, changes: ['deleted'] };
    case 'runtime.create':
      return { target: `runtime version ${details.name ?? '?'}`, changes: ['added'] };
    case 'runtime.update':
      return { target: `runtime version ${details.name ?? '?'}`, changes: ['edited'] };
    case 'runtime.status':
      return { target: `runtime version ${details.name ?? '?'}`, changes: [`status ${show(details.from)} → ${show(details.to)}`] };
    case 'user.create':
      return { target: `user ${details.email ?? '?'}`, changes: [`created${details.isAdmin ? ' as administrator' : ''}${Array.isArray(details.roles) && details.roles.length ? `, roles ${show(details.roles)}` : ''}`] };
    case 'user.update': {
      const changes = Object.entries((details.changes ?? {}) as Record<string, { from: unknown; to: unknown } | 'changed'>).map(([field, c]) =>
        c === 'changed' ? `${field} changed` : `${field} ${show(c.from)} → ${show(c.to)}`,
      );
      if (details.sessionsRevoked) changes.push('signed out everywhere, API tokens revoked');
      return { target: `user ${details.email ?? '?'}`, changes };
    }
    case 'user.sign-out-everywhere':
      return { target: `user ${details.email ?? '?'}`, changes: [`signed out everywhere, ${show(details.tokensRevoked)} API token(s) revoked`] };
    case 'token.create':
      return { target: `API token ${details.name ?? '?'} (${details.prefix ?? '?'}…)`, changes: ['created'] };
    case 'token.revoke':
      return { target: `API token ${details.name ?? '?'} (${details.prefix ?? '?'}…)`, changes: ['revoked'] };
    case 'instance.start':
      return { target: `instance of ${app}`, changes: [`started (${show(details.visibility)})`] };
    case 'instance.suspend':
      return { target: `instance of ${app}`, changes: [details.reason === 'idle' ? 'suspended after its idle timeout' : 'suspended'] };
    case 'instance.resume':
      return { target: `instance of ${app}`, changes: [details.restart ? `restarted under ${show(details.base)} (${show(details.restart)})` : 'resumed'] };
    case 'instance.terminate':
      return { target: `instance of ${app}`, changes: ['terminated'] };
    case 'instance.update': {
      const vis = details.visibility as { from: string; to: string } | undefined;
      const changes = vis ? [`visibility ${vis.from} → ${vis.to}`] : [];
      if (typeof details.autoSuspend === 'boolean') changes.push(details.autoSuspend ? 'auto-suspend on' : 'auto-suspend off');
      return { target: `instance of ${app}`, changes };
    }
    case 'alias.create':
      return { target: `alias ${details.alias ?? '?'}`, changes: [`created for instance ${details.instanceId ?? '?'}${details.primary ? ' (primary)' : ''}`] };
    case 'alias.assign':
      return { target: `alias ${details.alias ?? '?'}`, changes: [`assigned to instance ${details.instanceId ?? '?'}${details.primary ? ' (primary)' : ''}`] };
    case 'alias.promote':
      return { target: `alias ${details.alias ?? '?'}`, changes: ['made primary'] };
    case 'alias.unassign':
      return { target: `alias ${details.alias ?? '?'}`, changes: ['unassigned'] };
    case 'alias.delete':
      return { target: `alias ${details.alias ?? '?'}`, changes: ['deleted'] };
    case 'sign-in.locked': {
      const scopes = Array.isArray(details.scopes) ? (details.scopes as { scope?: unknown; failures?: unknown }[]) : [];
      return {
        target: `sign-in of ${details.account ?? '?'} from ${details.address ?? '?'}`,
        changes: scopes.length ? scopes.map((s) => `sign-in locked: ${show(s.failures)} failed attempts ${SCOPE[String(s.scope)] ?? String(s.scope)}`) : ['sign-in locked'],
      };
    }
    default:
      return { target: action, changes: [JSON.stringify(details)] };
  }
}
