import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { compareVersionsDesc, versionKey } from './version-order';

// The semver specification's own precedence example (§11), in ascending order.
const SPEC_ORDER = [
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
];

const byKey = (versions: string[]) => [...versions].sort((a, b) => (versionKey(a) < versionKey(b) ? -1 : versionKey(a) > versionKey(b) ? 1 : 0));

describe('versionKey', () => {
  it('orders the semver specification example', () => {
    const shuffled = [...SPEC_ORDER].reverse();
    expect(byKey(shuffled)).toEqual(SPEC_ORDER);
  });

  it('compares numeric parts as numbers, not text', () => {
    expect(byKey(['1.10.0', '1.9.0', '1.2.0', '10.0.0', '2.0.0', '1.0.10', '1.0.9'])).toEqual([
      '1.0.9',
      '1.0.10',
      '1.2.0',
      '1.9.0',
      '1.10.0',
      '2.0.0',
      '10.0.0',
    ]);
  });

  it('sorts a release after all of its pre-releases but before the next patch', () => {
    expect(byKey(['1.0.1-alpha', '1.0.0', '1.0.0-rc.2', '1.0.0-zzz'])).toEqual(['1.0.0-rc.2', '1.0.0-zzz', '1.0.0', '1.0.1-alpha']);
  });

  it('puts numeric pre-release identifiers before alphanumeric ones and compares them numerically', () => {
    expect(byKey(['1.0.0-a', '1.0.0-100', '1.0.0-9', '1.0.0-0', '1.0.0-1a'])).toEqual(['1.0.0-0', '1.0.0-9', '1.0.0-100', '1.0.0-1a', '1.0.0-a']);
  });

  it('handles hyphens inside identifiers and longer identifier lists', () => {
    expect(byKey(['1.0.0-alpha-x', '1.0.0-alpha.1', '1.0.0-alpha', '1.0.0-alpha.1.0'])).toEqual([
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.1.0',
      '1.0.0-alpha-x',
    ]);
  });

  it('agrees with semver.compare on a grid of versions', () => {
    const parts = ['0', '1', '2', '10'];
    const pres = ['', '-0', '-1', '-10', '-alpha', '-alpha.1', '-alpha.beta', '-beta.2', '-beta.11', '-rc.1', '-a-b', '-A', '-Z.1'];
    const versions: string[] = [];
    for (const major of parts) for (const minor of parts) for (const pre of pres) versions.push(`${major}.${minor}.1${pre}`);
    const expected = [...versions].sort(semver.compare);
    expect(byKey(versions)).toEqual(expected);
  });

  it('keeps fixed-width cores so SQLite text order is semver order', () => {
    expect(versionKey('1.2.3')).toBe('0000000000000001.0000000000000002.0000000000000003~');
    expect(versionKey('1.2.3-rc.1')).toBe('0000000000000001.0000000000000002.0000000000000003-1rc!0011');
  });

  it('refuses something that is not a semantic version', () => {
    expect(() => versionKey('1.0')).toThrow(/semantic version/);
    expect(() => versionKey('latest')).toThrow(/semantic version/);
  });
});

describe('compareVersionsDesc', () => {
  it('sorts newest first', () => {
    expect(['1.0.0-rc.1', '0.9.0', '1.0.0', '1.0.0-beta'].sort(compareVersionsDesc)).toEqual(['1.0.0', '1.0.0-rc.1', '1.0.0-beta', '0.9.0']);
  });
});
