// Configuration as documented: the README's defaults are the code's defaults (changing one is a deliberate
// act in both places), regex lists are one per line, and a bad setting is refused at start-up by name.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@/lib/testing/corpus';
import { useTempDataDir } from '@/lib/testing/db';
import { startUp } from './startup';
import {
  allowedCoreEnvRegexes,
  allowedCustomImageRegexes,
  appVersionLimit,
  bundleLimits,
  checkConfiguration,
  DEFAULT_ALLOWED_CORE_ENV_REGEXES,
  fullAccessRole,
  publicMode,
} from './config';

useTempDataDir();

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const SETTINGS = [
  'APP_VERSION_LIMIT',
  'ALLOWED_CUSTOM_IMAGE_REGEXES',
  'ALLOWED_CORE_ENV_REGEXES',
  'PUBLIC_MODE',
  'FULL_ACCESS_ROLE',
  ...Object.keys(bundleLimits()),
];
afterEach(() => {
  for (const name of SETTINGS) delete process.env[name];
});

/** The Default column of the README table row whose first cell is `name`. */
function documentedDefault(name: string): string {
  const row = README.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
  if (!row) throw new Error(`The README has no table row for ${name}.`);
  return row.split('|')[2].trim();
}

const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
function documentedNumber(name: string): number {
  const text = documentedDefault(name).replace(/`/g, '');
  const m = /^([\d,]+)(?:\s+(KiB|MiB|GiB))?$/.exec(text);
  if (!m) throw new Error(`Cannot read the README default of ${name}: ${text}`);
  return Number(m[1].replace(/,/g, '')) * (m[2] ? UNITS[m[2]] : 1);
}

describe('defaults', () => {
  it('are the ones the README documents', () => {
    for (const name of SETTINGS) delete process.env[name];
    const limits = bundleLimits();
    for (const [name, value] of Object.entries(limits)) expect(value, name).toBe(documentedNumber(name));
    expect(appVersionLimit()).toBe(documentedNumber('APP_VERSION_LIMIT'));
    expect(documentedDefault('PUBLIC_MODE')).toBe('`false`');
    expect(publicMode()).toBe(false);
    expect(documentedDefault('FULL_ACCESS_ROLE')).toMatch(/^empty/);
    expect(fullAccessRole()).toBe('');
    expect(documentedDefault('ALLOWED_CUSTOM_IMAGE_REGEXES')).toMatch(/^empty/);
    expect(allowedCustomImageRegexes()).toEqual([]);
    // The README lists the default core env regexes in backticks after "The default `ALLOWED_CORE_ENV_REGEXES` are".
    const paragraph = README.slice(README.indexOf('The default `ALLOWED_CORE_ENV_REGEXES` are'), README.indexOf('(plus'));
    const listed = [...paragraph.matchAll(/`(\^[^`]+)`/g)].map((m) => m[1]);
    expect(listed).toEqual(DEFAULT_ALLOWED_CORE_ENV_REGEXES);
    expect(allowedCoreEnvRegexes().map((r) => r.source)).toEqual(DEFAULT_ALLOWED_CORE_ENV_REGEXES);
  });

  it('follow the environment, and 0 turns the version limit off', () => {
    process.env.BUNDLE_MAX_BYTES = '2097152';
    process.env.APP_VERSION_LIMIT = '0';
    expect(bundleLimits().BUNDLE_MAX_BYTES).toBe(2097152);
    expect(appVersionLimit()).toBe(0);
  });
});

describe('regex lists', () => {
  it('are one regex per line, with commas kept inside a regex', () => {
    process.env.ALLOWED_CUSTOM_IMAGE_REGEXES = '^registry\\.example\\.com/app-[a-z]{2,3}:1$\n\n  ^ghcr\\.io/org/  \r\n';
    const regexes = allowedCustomImageRegexes();
    expect(regexes.map((r) => r.source)).toEqual(['^registry\\.example\\.com\\/app-[a-z]{2,3}:1$', '^ghcr\\.io\\/org\\/']);
    expect(regexes[0].test('registry.example.com/app-abc:1')).toBe(true);
    expect(regexes[0].test('registry.example.com/app-abcd:1')).toBe(false);
    process.env.ALLOWED_CORE_ENV_REGEXES = '^H2O_WAVE_X{1,2}$';
    expect(allowedCoreEnvRegexes().map((r) => r.test('H2O_WAVE_XX'))).toEqual([true]);
  });

  it('refuse a regex that does not compile, naming the variable, the line and the regex', () => {
    process.env.ALLOWED_CUSTOM_IMAGE_REGEXES = '^ok/\n^broken(/';
    expect(() => allowedCustomImageRegexes()).toThrow(/ALLOWED_CUSTOM_IMAGE_REGEXES line 2: "\^broken\(\/" is not a valid regular expression/);
    delete process.env.ALLOWED_CUSTOM_IMAGE_REGEXES;
    process.env.ALLOWED_CORE_ENV_REGEXES = '[unclosed';
    expect(() => checkConfiguration()).toThrow(/ALLOWED_CORE_ENV_REGEXES line 1: "\[unclosed"/);
  });
});

describe('start-up', () => {
  it('stops on a bad setting, naming it, before touching anything', async () => {
    process.env.ALLOWED_CUSTOM_IMAGE_REGEXES = '*nope';
    await expect(startUp()).rejects.toThrow(/ALLOWED_CUSTOM_IMAGE_REGEXES line 1: "\*nope"/);
    delete process.env.ALLOWED_CUSTOM_IMAGE_REGEXES;
    process.env.IMAGE_MAX_BYTES = 'ten';
    await expect(startUp()).rejects.toThrow(/IMAGE_MAX_BYTES must be a non-negative integer/);
  });
});
