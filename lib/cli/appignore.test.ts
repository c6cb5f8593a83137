import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCorpus } from '@/lib/testing/corpus';
import { parseAppIgnore } from './appignore';

// Lines below are taken from real .appignore files of apps that ran on the platform.
describe('.appignore rules', () => {
  it('leaves out folders named with a trailing slash at any depth (`venv/`, `__pycache__/`)', () => {
    const rules = parseAppIgnore('venv/\n__pycache__/\n');
    expect(rules.ignores('venv', true)).toBe(true);
    expect(rules.ignores('src/__pycache__', true)).toBe(true);
    expect(rules.ignores('venv', false)).toBe(false); // a file called venv is not a folder
    expect(rules.ignores('venv.py', false)).toBe(false);
  });

  it('matches bare names as files or folders (`venv`, `__pycache__`, `tmp`)', () => {
    const rules = parseAppIgnore('tmp\nvenv\n__pycache__');
    expect(rules.ignores('venv', true)).toBe(true);
    expect(rules.ignores('a/b/__pycache__', true)).toBe(true);
    expect(rules.ignores('tmp', false)).toBe(true);
  });

  it('understands character classes and escaped-looking names (`*.py[cod]`, `*$py.class`)', () => {
    const rules = parseAppIgnore('# Byte-compiled / optimized / DLL files\n*.py[cod]\n*$py.class\n');
    expect(rules.ignores('app.pyc', false)).toBe(true);
    expect(rules.ignores('pkg/app.pyo', false)).toBe(true);
    expect(rules.ignores('app.py', false)).toBe(false);
    expect(rules.ignores('x$py.class', false)).toBe(true);
  });

  it('brings files back with `!`, but not out of an excluded folder', () => {
    const rules = parseAppIgnore('*.log\n!keep.log\nsdk/*\n!sdk/README.md\nbuild/\n!build/app.py\n');
    expect(rules.ignores('server.log', false)).toBe(true);
    expect(rules.ignores('keep.log', false)).toBe(false);
    expect(rules.ignores('sdk', true)).toBe(false);
    expect(rules.ignores('sdk/h2o.py', false)).toBe(true);
    expect(rules.ignores('sdk/README.md', false)).toBe(false);
    expect(rules.ignores('build', true)).toBe(true); // so build/app.py is never looked at, as in git
  });

  it('anchors `/datasets/` and `./Dockerfile-bundle` to the app folder', () => {
    const rules = parseAppIgnore('/datasets/\n./Dockerfile-bundle\n');
    expect(rules.ignores('datasets', true)).toBe(true);
    expect(rules.ignores('src/datasets', true)).toBe(false);
    expect(rules.ignores('Dockerfile-bundle', false)).toBe(true);
    expect(rules.ignores('docker/Dockerfile-bundle', false)).toBe(false);
  });

  it('reads `*/__pycache__/` and `.log` the way git does', () => {
    const rules = parseAppIgnore('*/__pycache__/\n.log\n');
    expect(rules.ignores('src/__pycache__', true)).toBe(true);
    expect(rules.ignores('__pycache__', true)).toBe(false);
    expect(rules.ignores('a/b/__pycache__', true)).toBe(false);
    expect(rules.ignores('server.log', false)).toBe(false);
  });

  it('always leaves out .git and earlier .wave bundles, whatever the file says', () => {
    const rules = parseAppIgnore('!.git\n!*.wave\n');
    expect(rules.ignores('.git', true)).toBe(true);
    expect(rules.ignores('vendored/.git', false)).toBe(true); // a submodule's .git file
    expect(rules.ignores('ai.h2o.demo.0.1.0.wave', false)).toBe(true);
    expect(rules.ignores('old/x.wave', false)).toBe(true);
    expect(rules.ignores('.gitignore', false)).toBe(false);
  });

  it('accepts CRLF files and blank or comment lines', () => {
    const rules = parseAppIgnore('# Folder\r\ninput/\r\n\r\n*.yml\r\n');
    expect(rules.ignores('input', true)).toBe(true);
    expect(rules.ignores('ci.yml', false)).toBe(true);
    expect(rules.ignores('# Folder', false)).toBe(false);
  });
});

// The real files themselves, when the shared corpus is around (it is not part of the repository).
describeCorpus('appignore', 'real .appignore files', (CORPUS) => {
  const files = readdirSync(CORPUS);
  it('finds the corpus files', () => expect(files.length).toBeGreaterThan(0));
  it.each(files)('%s keeps app.toml, app.py and static/ and leaves out what it lists', (file) => {
    const source = readFileSync(path.join(CORPUS, file), 'utf8');
    const rules = parseAppIgnore(source);
    expect(rules.ignores('app.toml', false)).toBe(false);
    expect(rules.ignores('app.py', false)).toBe(false);
    expect(rules.ignores('static', true)).toBe(false);
    expect(rules.ignores('static/icon.png', false)).toBe(false);
    if (/^venv\/?\*?$/m.test(source)) expect(rules.ignores('venv/bin/python', false) || rules.ignores('venv', true)).toBe(true);
    if (/^\*\.py\[cod\]$/m.test(source)) expect(rules.ignores('app.pyc', false)).toBe(true);
    if (/^\.\/Dockerfile-bundle$/m.test(source)) expect(rules.ignores('Dockerfile-bundle', false)).toBe(true);
  });
});
