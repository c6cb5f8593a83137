// The running-apps settings in the validated configuration, and their audit sentences.
import { describe, expect, it } from 'vitest';
import { describeAudit } from '@/lib/audit/describe';
import { ConfigError, parseConfig } from '@/lib/config';

describe('running-apps configuration', () => {
  it('has the README defaults: derived from PORT when PUBLIC_URL is unset', () => {
    const config = parseConfig({ PORT: '3100' });
    expect(config.publicUrl).toBe('http://localhost:3100');
    expect(config.appsDomain).toBe('localhost:3100');
    expect(config.appsOrigin).toBe('http://localhost:3100');
    expect(config.instances).toEqual({ limit: 10, visitorLimit: 5, defaultTimeout: '1h', startTimeoutMs: 300_000 });
  });

  it('reads each value', () => {
    const config = parseConfig({
      PUBLIC_URL: 'https://appstore.example.com/',
      APPS_DOMAIN: 'Apps.Example.com',
      APPS_ORIGIN: 'https://apps-base.example.com',
      INSTANCE_LIMIT: '0',
      VISITOR_INSTANCE_LIMIT: '2',
      INSTANCE_TIMEOUT: '-1',
      INSTANCE_START_TIMEOUT: '90s',
    });
    expect(config.publicUrl).toBe('https://appstore.example.com');
    expect(config.appsDomain).toBe('apps.example.com');
    expect(config.appsOrigin).toBe('https://apps-base.example.com');
    expect(config.instances).toEqual({ limit: 0, visitorLimit: 2, defaultTimeout: '-1', startTimeoutMs: 90_000 });
  });

  it('stops on a bad value, naming the variable', () => {
    for (const [name, value] of [
      ['INSTANCE_TIMEOUT', '1 hour'],
      ['INSTANCE_START_TIMEOUT', '-1'],
      ['PUBLIC_URL', 'https://x.example/path'],
      ['APPS_DOMAIN', 'https://apps.example.com'],
      ['INSTANCE_LIMIT', '-3'],
    ]) {
      expect(() => parseConfig({ [name]: value }), name).toThrow(ConfigError);
      expect(() => parseConfig({ [name]: value }), name).toThrow(new RegExp(name));
    }
  });
});

describe('instance audit sentences', () => {
  const base = { name: 'churn', version: '1.2.0' };
  it('say who did what to which instance', () => {
    expect(describeAudit('instance.start', { ...base, visibility: 'ALL_USERS' })).toEqual({ target: 'instance of churn 1.2.0', changes: ['started (ALL_USERS)'] });
    expect(describeAudit('instance.suspend', { ...base, reason: 'idle' }).changes).toEqual(['suspended after its idle timeout']);
    expect(describeAudit('instance.suspend', base).changes).toEqual(['suspended']);
    expect(describeAudit('instance.resume', base).changes).toEqual(['resumed']);
    expect(describeAudit('instance.terminate', base).changes).toEqual(['terminated']);
    expect(describeAudit('instance.update', { ...base, visibility: { from: 'PRIVATE', to: 'PUBLIC' } }).changes).toEqual(['visibility PRIVATE → PUBLIC']);
    expect(describeAudit('instance.update', { ...base, autoSuspend: false }).changes).toEqual(['auto-suspend off']);
  });
});
