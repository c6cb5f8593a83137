// The process-wide instance manager and gateway: one place keeps them, every copy of the module sees them, and that
// place loads nothing (server.ts and the app router import it outside Next's bundles).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InstanceGateway } from './gateway';
import type { InstanceManager } from './manager';
import { clearInstalled, installedGateway, installedManager, setInstalled } from './installed';

const root = path.resolve(import.meta.dirname, '../..');
const manager = { runner: { capabilities: async () => ({}) } } as unknown as InstanceManager;
const gateway = { settings: () => ({}), decide: async () => ({}) } as unknown as InstanceGateway;

afterEach(() => clearInstalled());

describe('the installed instance manager and gateway', () => {
  it('are absent until installed, then returned, and gone once cleared', () => {
    expect(installedManager()).toBeUndefined();
    expect(installedGateway()).toBeUndefined();
    setInstalled(manager, gateway);
    expect(installedManager()).toBe(manager);
    expect(installedGateway()).toBe(gateway);
    clearInstalled();
    expect(installedManager()).toBeUndefined();
    expect(installedGateway()).toBeUndefined();
  });

  it('are seen by another copy of the module (server.ts holds its own, outside Next’s bundles)', async () => {
    setInstalled(manager, gateway);
    vi.resetModules();
    const other = await import('./installed');
    expect(other.installedManager).not.toBe(installedManager); // really a second copy
    expect(other.installedManager()).toBe(manager);
    expect(other.installedGateway()).toBe(gateway);
  });

  it('imports nothing at run time (types only), so server.ts and the router may load it', () => {
    const source = fs.readFileSync(path.join(root, 'lib/instances/installed.ts'), 'utf8');
    const imports = source.split('\n').filter((line) => /^\s*import\b/.test(line));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((line) => !/^\s*import type\b/.test(line))).toEqual([]);
  });

  it('is the only place that knows where they are kept', () => {
    const files = ['server.ts', ...(fs.readdirSync(path.join(root, 'lib'), { recursive: true }) as string[]).map((f) => path.join('lib', f))]
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f));
    const lookups = files.filter((f) => /appstore\.instance(Manager|Gateway)/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(lookups).toEqual([path.join('lib', 'instances', 'installed.ts')]);
  });
});
