import { describe, expect, it } from 'vitest';
import { aliasNameProblem, instanceUrl, parseInstanceRequest, upstreamPath } from './routes';

const settings = { appsDomain: 'localhost:3000', baseOrigin: 'http://localhost:3000', appsScheme: 'http' as const };
const id = '0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11';

describe('instance routing forms', () => {
  it('BASE_URL: /instance/<uuid>/… with the rest of the path and query', () => {
    expect(parseInstanceRequest('localhost:3000', `/instance/${id}/static/app.js?x=1`, settings)).toEqual({
      label: id,
      form: 'BASE_URL',
      rest: '/static/app.js?x=1',
    });
    expect(parseInstanceRequest('localhost:3000', `/instance/${id}`, settings)?.rest).toBe('/');
    expect(parseInstanceRequest('localhost:3000', `/instance/${id}?q=2`, settings)?.rest).toBe('/?q=2');
    expect(parseInstanceRequest('localhost:3000', `/instance/${id.toUpperCase()}/`, settings)?.label).toBe(id);
  });

  it('BASE_URL: anything else under /instance is left to the portal (its pages answer 404)', () => {
    expect(parseInstanceRequest('localhost:3000', '/instance/not-a-uuid/', settings)).toBeNull();
    expect(parseInstanceRequest('localhost:3000', '/instances', settings)).toBeNull();
    expect(parseInstanceRequest('localhost:3000', `/instancex/${id}/`, settings)).toBeNull();
    expect(parseInstanceRequest('localhost:3000', '/', settings)).toBeNull();
  });

  it('DOMAIN: exactly one label under APPS_DOMAIN, ports included', () => {
    expect(parseInstanceRequest(`${id}.localhost:3000`, '/ws?x', settings)).toEqual({
      label: id,
      form: 'DOMAIN',
      rest: '/ws?x',
    });
    expect(parseInstanceRequest('churn.LOCALHOST:3000', '/', settings)?.label).toBe('churn');
    expect(parseInstanceRequest(`${id}.localhost:3001`, '/', settings)).toBeNull();
    expect(parseInstanceRequest(`a.${id}.localhost:3000`, '/', settings)).toBeNull();
    expect(parseInstanceRequest('-bad.localhost:3000', '/', settings)).toBeNull();
    expect(parseInstanceRequest('localhost:3000', '/', settings)).toBeNull();
    expect(parseInstanceRequest(undefined, '/', settings)).toBeNull();
  });

  it('aliases: /alias/<name>/… and <name>.<APPS_DOMAIN>, DNS labels that are not UUIDs', () => {
    expect(parseInstanceRequest('localhost:3000', '/alias/churn/x?y', settings)).toEqual({ label: 'churn', form: 'BASE_URL', rest: '/x?y' });
    expect(parseInstanceRequest('localhost:3000', '/alias/churn', settings)?.rest).toBe('/');
    expect(parseInstanceRequest('localhost:3000', `/alias/${id}/`, settings)).toBeNull();
    expect(parseInstanceRequest('localhost:3000', '/alias/-x-/', settings)).toBeNull();
    expect(instanceUrl('churn', 'BASE_URL', settings, '/a')).toBe('http://localhost:3000/alias/churn/a');
    expect(instanceUrl('churn', 'DOMAIN', settings)).toBe('http://churn.localhost:3000/');
    expect(aliasNameProblem('churn-2')).toBeNull();
    for (const bad of ['Churn', 'a_b', '-a', 'a-', 'x'.repeat(64), id, '']) expect(aliasNameProblem(bad), bad).not.toBeNull();
  });

  it('builds the URL of each form, and the URI the app receives', () => {
    expect(instanceUrl(id, 'DOMAIN', settings, '/a?b')).toBe(`http://${id}.localhost:3000/a?b`);
    expect(instanceUrl(id, 'BASE_URL', settings)).toBe(`http://localhost:3000/instance/${id}/`);
    expect(upstreamPath({ label: id, form: 'BASE_URL', rest: '/a?b' }, `/instance/${id}/`)).toBe(`/instance/${id}/a?b`);
    expect(upstreamPath({ label: 'churn', form: 'BASE_URL', rest: '/a?b' }, `/instance/${id}/`)).toBe(`/instance/${id}/a?b`);
    expect(upstreamPath({ label: id, form: 'BASE_URL', rest: '/a' }, '/alias/churn/')).toBe('/alias/churn/a');
    expect(upstreamPath({ label: id, form: 'DOMAIN', rest: '/a?b' }, '/')).toBe('/a?b');
  });
});
