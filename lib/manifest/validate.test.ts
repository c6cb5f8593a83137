import { afterEach, describe, expect, test } from 'vitest';
import { validateManifest } from './index';
import { setEnv } from '@/lib/testing/env';

const DEFAULT_REGEXES = { allowedCoreEnvRegexes: [/^H2O_WAVE_MAX_REQUEST_SIZE$/, /^H2O_WAVE_ML_.*/] };

/** A valid app.toml, with extra lines for [App] and [Runtime] (null: no [Runtime] at all) and more sections after. */
function toml(app: string[] = [], runtime: string[] | null = [], rest = ''): string {
  const runtimeSection = runtime === null ? '' : ['[Runtime]', 'Module = "src.app"', ...runtime].join('\n');
  return ['[App]', 'Name = "ai.h2o.test"', 'Version = "1.0.0"', ...app, '', runtimeSection, '', rest].join('\n');
}

function check(source: string | Uint8Array, options = DEFAULT_REGEXES) {
  const result = validateManifest(source, options);
  return {
    ...result,
    errorPaths: result.errors.map((p) => p.path),
    warningPaths: result.warnings.map((p) => p.path),
    error: (path: string) => result.errors.find((p) => p.path === path)?.message ?? '',
    warning: (path: string) => result.warnings.find((p) => p.path === path)?.message ?? '',
  };
}

describe('reading the file', () => {
  test('a TOML syntax error gives line and column', () => {
    const r = check('[App]\nName = "ai.h2o.x"\nVersion = 1.0.0\n');
    expect(r.manifest).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].path).toBe('app.toml');
    expect(r.errors[0].message).toMatch(/line 3, column \d+/);
  });

  test('an unclosed string is reported as such, where it starts, with the line and a caret', () => {
    const r = validateManifest('[App]\nName = "ai.h2o.x\nVersion = "1.0.0"\n');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toBe(
      'TOML syntax error: unterminated string starting at line 2, column 8; close it with the same quote on the same line.',
    );
    expect(r.errors[0].message).not.toMatch(/control character/);
    expect(r.errors[0].excerpt).toBe('  2 | Name = "ai.h2o.x\n    |        ^');
    // At the end of the file, and with a literal string, too.
    expect(validateManifest("[App]\nName = 'x").errors[0].message).toMatch(/unterminated string starting at line 2, column 8/);
    // A quote inside a comment or a closed string is not mistaken for the start.
    expect(validateManifest('[App]\nTitle = "a \\" b" # "q\nName = "x\n').errors[0].message).toMatch(/line 3, column 8/);
  });

  test('invalid UTF-8 is refused and the line named', () => {
    const bytes = new TextEncoder().encode(toml(['Title = "caf_"']));
    bytes[bytes.indexOf('_'.charCodeAt(0))] = 0xe9; // Latin-1 é
    const r = check(bytes);
    expect(r.errorPaths).toEqual(['app.toml']);
    expect(r.errors[0].message).toContain('UTF-8');
    expect(r.errors[0].message).toContain('line 4');
  });

  test('a leading BOM is fine, in bytes and in a string', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(toml())]);
    expect(check(bytes).errors).toEqual([]);
    expect(check(`\uFEFF${toml()}`).errors).toEqual([]);
  });

  test('UTF-8 text outside ASCII is kept', () => {
    const r = check(new TextEncoder().encode(toml(['Description = "Prove you’re smarter 🤖"'])));
    expect(r.manifest?.description).toBe('Prove you’re smarter 🤖');
  });

  test.each([
    ['__proto__', toml(['__proto__ = "x"']), 'App.__proto__'],
    ['constructor', toml([], ['constructor = 1']), 'Runtime.constructor'],
    ['prototype table', `${toml()}\n[Brand.prototype]\nx = 1\n`, 'Brand.prototype'],
    ['quoted __proto__ in an inline table', `${toml()}\n[Data]\nx = { "__proto__" = { polluted = true } }\n`, 'Data.x.__proto__'],
  ])('a %s key is refused', (_, source, path) => {
    const r = check(source);
    expect(r.errorPaths).toEqual([path]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('deep nesting is refused, inline or as tables', () => {
    expect(check(`${toml()}\n[Data]\nx = ${'['.repeat(20)}1${']'.repeat(20)}\n`).errors[0].message).toMatch(/line \d+, column/);
    const deepTable = Array.from({ length: 20 }, (_, i) => `k${i}`).join('.');
    expect(check(`${toml()}\n[${deepTable}]\nx = 1\n`).errors[0].message).toContain('deeper');
  });
});

describe('keys', () => {
  test('keys and sections match regardless of case, with a warning naming the canonical spelling', () => {
    const r = check('[app]\nname = "ai.h2o.x"\nVERSION = "1.0.0"\n\n[runtime]\nmodule = "src.app"\n\n[[env]]\nname = "A"\nvalue = "1"\n');
    expect(r.errors).toEqual([]);
    expect(r.manifest).toMatchObject({ name: 'ai.h2o.x', version: '1.0.0', runtime: { module: 'src.app' } });
    expect(r.manifest?.env).toEqual([{ name: 'A', value: '1', optional: false }]);
    expect(r.warning('App.Name')).toContain('write "Name"');
    expect(r.warning('Runtime')).toContain('write "Runtime"');
    expect(r.warningPaths).toContain('Env[0].Value');
  });

  test('the same attribute in two spellings is an error', () => {
    const r = check(toml(['name = "other"']));
    expect(r.errorPaths).toEqual(['App.Name']);
    expect(r.error('App.Name')).toContain('set twice');
  });

  test('unknown attributes and sections are warnings, with a suggestion where one fits', () => {
    const r = check(toml(['Category = "Other"', 'SetupGuide = "x.txt"'], ['Memory_Limit = "1Gi"'], '[Brand]\nTitle = "x"\n'));
    expect(r.errors).toEqual([]);
    expect(r.warning('App.Category')).toContain('Tags');
    expect(r.warningPaths).toContain('App.SetupGuide');
    expect(r.warning('Runtime.Memory_Limit')).toContain('Did you mean MemoryLimit?');
    expect(r.warningPaths).toContain('Brand');
  });

  test('an attribute in the wrong table is a warning and is not applied', () => {
    const r = check(toml(['MemoryReservation = "12Gi"']));
    expect(r.errors).toEqual([]);
    expect(r.warning('App.MemoryReservation')).toContain('belongs in [Runtime]');
    expect(r.manifest?.runtime.memoryReservation).toBeNull();
  });

  test('a key outside any section is pointed at its section', () => {
    const r = check(`Title = "x"\n${toml()}`);
    expect(r.warning('Title')).toContain('[App]');
  });
});

describe('App', () => {
  test('Name and Version are required', () => {
    const r = check('[Runtime]\nModule = "app"\n');
    expect(r.errorPaths).toEqual(['App.Name', 'App.Version']);
    expect(r.error('App.Name')).toContain('required');
  });

  test.each([
    ['a'.repeat(64), '64 characters'],
    ['my app', '" "'],
    ['-app', 'start and end'],
    ['app.', 'start and end'],
    ['team-<name>', 'placeholder'],
  ])('Name %j is refused', (name, hint) => {
    const r = check(toml().replace('"ai.h2o.test"', JSON.stringify(name)));
    expect(r.errorPaths).toEqual(['App.Name']);
    expect(r.error('App.Name')).toContain(hint);
  });

  test.each(['0.0.1', '1.2.0', '0.0.50', '1.0.0-beta.1', '2.0.0-rc-1'])('Version %s is accepted', (version) => {
    expect(check(toml().replace('"1.0.0"', `"${version}"`)).errors).toEqual([]);
  });

  test.each([
    ['1.0', '"1.0.0"'],
    ['{{VERSION}}', 'placeholder'],
    ['v1.0.0', '"1.0.0"'],
    ['1.0.0+build.5', 'build metadata'],
    ['01.0.0', 'semantic version'],
    ['latest', 'semantic version'],
  ])('Version %j is refused', (version, hint) => {
    const r = check(toml().replace('"1.0.0"', JSON.stringify(version)));
    expect(r.errorPaths).toEqual(['App.Version']);
    expect(r.error('App.Version')).toContain(hint);
  });

  test('Name-Version together may not exceed 63 characters', () => {
    const name = 'a'.repeat(58);
    expect(check(toml().replace('"ai.h2o.test"', `"${name}"`)).errorPaths).toEqual([
      'App.Name',
    ]);
    expect(check(toml().replace('"ai.h2o.test"', `"${'a'.repeat(57)}"`)).errors).toEqual([]);
  });

  test('Title falls back to Name; Description to empty', () => {
    expect(check(toml()).manifest).toMatchObject({ title: 'ai.h2o.test', description: '' });
    expect(check(toml(['Title = ""'])).manifest?.title).toBe('ai.h2o.test');
    expect(check(toml(['Title = "Test"'])).manifest?.title).toBe('Test');
  });

  test('a Description over several lines gets a warning', () => {
    expect(check(toml(["Description = '''\nline one\nline two\n'''"])).warningPaths).toEqual(['App.Description']);
  });

  test('LongDescription is normalised to a path inside the archive', () => {
    expect(check(toml(['LongDescription = "./docs/./about.md"'])).manifest?.longDescriptionPath).toBe('docs/about.md');
    expect(check(toml()).manifest?.longDescriptionPath).toBeNull();
  });

  test.each(['../about.md', 'docs/../../x.md', '/about.md', 'docs\\about.md', 'C:/about.md', 'docs/'])(
    'LongDescription %j is refused',
    (p) => {
      expect(check(toml([`LongDescription = ${JSON.stringify(p)}`])).errorPaths).toEqual(['App.LongDescription']);
    },
  );

  test('Tags are a list of strings, trimmed and de-duplicated', () => {
    const r = check(toml(['Tags = ["OSS", " NLP ", "OSS", ""]']));
    expect(r.manifest?.tags).toEqual(['OSS', 'NLP']);
    expect(r.warningPaths).toEqual(['App.Tags[1]', 'App.Tags[3]']);
    expect(check(toml(['Tags = "OSS"'])).error('App.Tags')).toContain('list of strings');
    expect(check(toml(['Tags = ["OSS", 1]'])).errorPaths).toEqual(['App.Tags[1]']);
  });

  test('InstanceLifecycle defaults to ON_DEMAND and is read regardless of case and spaces', () => {
    expect(check(toml()).manifest?.instanceLifecycle).toBe('ON_DEMAND');
    const managed = check(toml(['InstanceLifecycle = "Managed"']));
    expect(managed.manifest?.instanceLifecycle).toBe('MANAGED');
    expect(managed.warning('App.InstanceLifecycle')).toContain('"MANAGED"');
    const spaced = check(toml(['InstanceLifecycle = "ON_DEMAND "']));
    expect(spaced.manifest?.instanceLifecycle).toBe('ON_DEMAND');
    expect(spaced.warning('App.InstanceLifecycle')).toContain('spaces');
    const wrong = check(toml(['InstanceLifecycle = "ALWAYS"']));
    expect(wrong.error('App.InstanceLifecycle')).toContain('ON_DEMAND, MANAGED, LINK');
  });

  test.each(['1h', '90m', '1h30m', '45s', '1.5h', '-1'])('InstanceTimeout %j is accepted', (t) => {
    expect(check(toml([`InstanceTimeout = "${t}"`])).manifest?.instanceTimeout).toBe(t);
  });

  test.each(['1d', '10', '500ms', 'h', '1 h', '-2', 'never'])('InstanceTimeout %j is refused', (t) => {
    expect(check(toml([`InstanceTimeout = "${t}"`])).errorPaths).toEqual(['App.InstanceTimeout']);
  });

  test('a wrongly typed value names the type it got', () => {
    const r = check(toml(['Title = 42']));
    expect(r.error('App.Title')).toBe('Title must be a string in quotes, not an integer (42); put it in quotes: "42".');
  });
});

describe('Runtime', () => {
  test('Module is required unless the app is LINK or a container', () => {
    expect(check(toml([], null)).errorPaths).toEqual(['Runtime.Module']);
    expect(check(toml([], ['AppMode = "python"', 'Port = 8501']).replace('Module = "src.app"', '')).errorPaths).toEqual([
      'Runtime.Module',
    ]);
    expect(check(toml([], null, '[Runtime]\nAppMode = "Container"\n')).manifest?.kind).toBe('container');
  });

  test.each(['src/app.py', 'my-app', '.app', 'src.'])('Module %j is refused', (m) => {
    const r = check(toml([], null, `[Runtime]\nModule = ${JSON.stringify(m)}\n`));
    expect(r.errorPaths).toEqual(['Runtime.Module']);
  });

  test('a Module named like a file is only a warning (it is a valid, if unlikely, module path)', () => {
    const r = check(toml([], null, '[Runtime]\nModule = "src.app.py"\n'));
    expect(r.errors).toEqual([]);
    expect(r.warning('Runtime.Module')).toContain('"src.app"');
  });

  test('the guide’s runtime settings are all read', () => {
    const r = check(
      toml([], [
        'VolumeMount = "/data"',
        'VolumeSize = "1Gi"',
        'ResourceVolumeSize = "2Gi"',
        'MemoryLimit = "500Mi"',
        'MemoryReservation = "400Mi"',
        'CPULimit = "1.5"',
        'CPUReservation = "500m"',
        'GPUCount = 1',
        'GPUType = ""',
        'EnableOIDC = true',
        'EnableSHM = false',
        'RoutingMode = "base_url"',
        'RuntimeVersion = "deb11_py310_wlatest"',
      ]),
    );
    expect(r.errors).toEqual([]);
    expect(r.manifest?.runtime).toEqual({
      module: 'src.app',
      runtimeVersion: 'deb11_py310_wlatest',
      volumeMount: '/data',
      volumeSize: '1Gi',
      resourceVolumeSize: '2Gi',
      memoryLimit: '500Mi',
      memoryReservation: '400Mi',
      cpuLimit: '1.5',
      cpuReservation: '500m',
      gpuCount: 1,
      gpuType: null,
      enableOIDC: true,
      enableSHM: false,
      routingMode: 'BASE_URL',
      appMode: 'wave',
      port: null,
      customImage: null,
      appArgs: [],
      appEntryPoint: [],
    });
  });

  test.each([
    ['MemoryLimit = "1GB"', 'Runtime.MemoryLimit'],
    ['MemoryLimit = 1024', 'Runtime.MemoryLimit'],
    ['CPULimit = 1.5', 'Runtime.CPULimit'],
    ['CPUReservation = "half"', 'Runtime.CPUReservation'],
    ['VolumeSize = "-1Gi"', 'Runtime.VolumeSize'],
    ['ResourceVolumeSize = "2 Gi"', 'Runtime.ResourceVolumeSize'],
    ['GPUCount = -1', 'Runtime.GPUCount'],
    ['GPUCount = 1.0', 'Runtime.GPUCount'],
    ['GPUCount = "1"', 'Runtime.GPUCount'],
    ['Port = 0', 'Runtime.Port'],
    ['Port = 65536', 'Runtime.Port'],
    ['Port = "8080"', 'Runtime.Port'],
    ['EnableOIDC = "true"', 'Runtime.EnableOIDC'],
    ['EnableSHM = 1', 'Runtime.EnableSHM'],
    ['VolumeMount = "data"', 'Runtime.VolumeMount'],
    ['RoutingMode = "PATH"', 'Runtime.RoutingMode'],
    ['AppMode = "docker"', 'Runtime.AppMode'],
    ['AppArgs = "--mode production"', 'Runtime.AppArgs'],
    ['AppEntryPoint = [1]', 'Runtime.AppEntryPoint[0]'],
    ['RuntimeVersion = 3', 'Runtime.RuntimeVersion'],
  ])('%s is refused', (line, path) => {
    expect(check(toml([], [line])).errorPaths).toEqual([path]);
  });

  test('hints tell how to write the value', () => {
    expect(check(toml([], ['Port = "8080"'])).error('Runtime.Port')).toContain('without quotes');
    expect(check(toml([], ['MemoryLimit = "16GB"'])).error('Runtime.MemoryLimit')).toContain('16Gi');
  });

  test('a reservation above its limit, and a milli-byte size, are warnings', () => {
    const r = check(toml([], ['MemoryLimit = "1Gi"', 'MemoryReservation = "2Gi"', 'CPULimit = "500m"', 'CPUReservation = "1"']));
    expect(r.errors).toEqual([]);
    expect(r.warningPaths).toEqual(['Runtime.MemoryReservation', 'Runtime.CPUReservation']);
    expect(check(toml([], ['MemoryLimit = "512m"'])).warning('Runtime.MemoryLimit')).toContain('"512Mi"');
    expect(check(toml([], ['MemoryLimit = "16Gi"', 'MemoryReservation = "16Gi"'])).warnings).toEqual([]);
  });

  test('container and python settings', () => {
    const container = check(
      toml([], null, '[Runtime]\nAppMode = "container"\nCustomImage = "img:1"\nAppArgs = ["--mode", "production"]\nAppEntryPoint = ["./server"]\nPort = 1337\n'),
    );
    expect(container.errors).toEqual([]);
    expect(container.warnings).toEqual([]);
    expect(container.manifest).toMatchObject({
      kind: 'container',
      runtime: { module: null, customImage: 'img:1', appArgs: ['--mode', 'production'], appEntryPoint: ['./server'], port: 1337 },
    });
    const wave = check(toml([], ['Port = 8080', 'CustomImage = "img"']));
    expect(wave.errors).toEqual([]);
    expect(wave.warningPaths.sort()).toEqual(['Runtime.CustomImage', 'Runtime.Port']);
    expect(check(toml([], ['AppMode = "python"', 'Port = 8501'])).manifest?.kind).toBe('python');
  });
});

describe('[[Env]]', () => {
  const env = (...lines: string[]) => toml([], [], `[[Env]]\n${lines.join('\n')}\n`);

  test('a literal value and a secret reference are both read', () => {
    const r = check(toml([], [], '[[Env]]\nName = "A"\nValue = ""\n\n[[Env]]\nName = "B"\nSecret = "my-secret"\nSecretKey = "key.sig"\nOptional = true\n'));
    expect(r.errors).toEqual([]);
    expect(r.manifest?.env).toEqual([
      { name: 'A', value: '', optional: false },
      { name: 'B', secret: 'my-secret', secretKey: 'key.sig', optional: true },
    ]);
  });

  test.each([
    [['Value = "1"'], 'Env[0].Name', 'required'],
    [['Name = "1ABC"', 'Value = "1"'], 'Env[0].Name', 'not a valid environment variable name'],
    [['Name = "H2O_CLOUD_ENVIRONMENT"', 'Value = "1"'], 'Env[0].Name', 'reserved'],
    [['Name = "H2O_WAVE_ADDRESS"', 'Value = "1"'], 'Env[0].Name', 'reserved'],
    [['Name = "A"', 'Value = "1"', 'Secret = "s"', 'SecretKey = "k"'], 'Env[0].Value', 'Secret or SecretKey'],
    [['Name = "A"', 'Value = "1"', 'Optional = true'], 'Env[0].Value', 'Optional'],
    [['Name = "A"', 'Secret = "s"'], 'Env[0].SecretKey', 'needs a SecretKey'],
    [['Name = "A"', 'SecretKey = "k"'], 'Env[0].Secret', 'needs a Secret'],
    [['Name = "A"'], 'Env[0]', 'Value'],
    [['Name = "A"', 'Optional = true'], 'Env[0]', 'Value'],
    [['Name = "A"', 'Secret = "My_Secret"', 'SecretKey = "k"'], 'Env[0].Secret', 'not a valid secret name'],
    [['Name = "A"', 'Secret = "s"', 'SecretKey = "a/b"'], 'Env[0].SecretKey', 'not a valid secret key'],
    [['Name = "A"', 'Value = 20'], 'Env[0].Value', 'put it in quotes'],
  ])('%j is refused at %s', (lines, path, hint) => {
    const r = check(env(...lines));
    expect(r.errorPaths).toEqual([path]);
    expect(r.error(path)).toContain(hint);
  });

  test('reserved prefixes allow H2O_WAVE_APP_MODE and the configured names', () => {
    expect(check(env('Name = "H2O_WAVE_APP_MODE"', 'Value = "x"'), { allowedCoreEnvRegexes: [] }).errors).toEqual([]);
    expect(check(env('Name = "H2O_WAVE_MAX_REQUEST_SIZE"', 'Value = "20M"')).errors).toEqual([]);
    expect(check(env('Name = "H2O_WAVE_MAX_REQUEST_SIZE"', 'Value = "20M"'), { allowedCoreEnvRegexes: [] }).errorPaths).toEqual([
      'Env[0].Name',
    ]);
    const custom = { allowedCoreEnvRegexes: [/^H2O_CLOUD_DEBUG$/g] };
    // Twice, so a stateful /g regex cannot let the second one slip through or fail.
    const twice = toml([], [], '[[Env]]\nName = "H2O_CLOUD_DEBUG"\nValue = "1"\n[[Env]]\nName = "H2O_CLOUD_DEBUG"\nValue = "2"\n');
    expect(check(twice, custom).errors).toEqual([]);
  });

  test('the default allowed names come from the configuration', () => {
    const saved = process.env.ALLOWED_CORE_ENV_REGEXES;
    setEnv({ ALLOWED_CORE_ENV_REGEXES: '^H2O_WAVE_CUSTOM$' });
    try {
      expect(validateManifest(env('Name = "H2O_WAVE_CUSTOM"', 'Value = "1"')).errors).toEqual([]);
      expect(validateManifest(env('Name = "H2O_WAVE_NO_STORE"', 'Value = "1"')).errors).toHaveLength(1);
    } finally {
      setEnv({ ALLOWED_CORE_ENV_REGEXES: saved });
    }
  });

  test('a name declared twice is a warning', () => {
    const r = check(toml([], [], '[[Env]]\nName = "A"\nValue = "1"\n[[Env]]\nName = "A"\nValue = "2"\n'));
    expect(r.errors).toEqual([]);
    expect(r.warning('Env[1].Name')).toContain('Env[0]');
  });

  test('[Env] instead of [[Env]] says to use double brackets', () => {
    const r = check(toml([], [], '[Env]\nName = "A"\nValue = "1"\n'));
    expect(r.error('Env')).toContain('[[Env]]');
  });
});

describe('[[File]]', () => {
  const file = (p: string, extra = 'Value = "x"') => `[[File]]\nPath = ${JSON.stringify(p)}\n${extra}\n`;

  test('files in their own directories are read', () => {
    const r = check(toml([], [], file('some/path.file', 'Secret = "s"\nSecretKey = "k"') + file('/another/path.file') + file('resources/x.txt')));
    expect(r.errors).toEqual([]);
    expect(r.manifest?.files).toEqual([
      { path: 'some/path.file', secret: 's', secretKey: 'k', optional: false },
      { path: '/another/path.file', value: 'x', optional: false },
      { path: 'resources/x.txt', value: 'x', optional: false },
    ]);
  });

  test.each([
    ['x.txt', 'subdirectory'],
    ['./x.txt', 'subdirectory'],
    ['/x.txt', 'subdirectory'],
    ['/a/../x.txt', 'subdirectory'],
    ['/resources/x.txt', '/resources'],
    ['/resources/deep/x.txt', '/resources'],
    ['../x.txt', '..'],
    ['config/', 'directory'],
    ['config\\x.txt', 'separator'],
  ])('Path %j is refused', (p, hint) => {
    const r = check(toml([], [], file(p)));
    expect(r.errorPaths).toEqual(['File[0].Path']);
    expect(r.error('File[0].Path')).toContain(hint);
  });

  test('Path is required and each directory is used once', () => {
    expect(check(toml([], [], '[[File]]\nValue = "x"\n')).errorPaths).toEqual(['File[0].Path']);
    const r = check(toml([], [], file('conf/a.txt') + file('conf/b.txt') + file('./conf/c.txt')));
    expect(r.errorPaths).toEqual(['File[1].Path', 'File[2].Path']);
    expect(r.error('File[1].Path')).toContain('File[0]');
  });

  test('the value and secret rules apply as for [[Env]]', () => {
    expect(check(toml([], [], file('a/b', 'Value = "x"\nSecret = "s"'))).errorPaths).toEqual(['File[0].Value']);
    expect(check(toml([], [], file('a/b', 'SecretKey = "k"'))).errorPaths).toEqual(['File[0].Secret']);
  });
});

describe('LINK apps', () => {
  const link = (extra = '', address = 'Address = "https://h2o.ai"') =>
    `[App]\nName = "ai.h2o.link"\nVersion = "0.0.1"\nInstanceLifecycle = "LINK"\n${extra}\n[Link]\n${address}\n`;

  test('a link app needs no Module and keeps its address', () => {
    const r = check(link());
    expect(r.errors).toEqual([]);
    expect(r.manifest).toMatchObject({ kind: 'link', instanceLifecycle: 'LINK', linkAddress: 'https://h2o.ai/' });
    expect(r.manifest?.runtime.module).toBeNull();
  });

  test.each([
    ['', 'required'],
    ['Address = "ftp://h2o.ai"', 'https: or http:'],
    ['Address = "javascript:alert(1)"', 'https: or http:'],
    ['Address = "https://user:secret@h2o.ai"', 'password'],
    ['Address = "/relative"', 'absolute URL'],
    ['Address = " https://h2o.ai"', 'spaces'],
  ])('Link.Address %j is refused', (address, hint) => {
    const r = check(link('', address));
    expect(r.errorPaths).toEqual(['Link.Address']);
    if (hint !== 'required') expect(r.error('Link.Address')).toContain(hint);
  });

  test('the address is stored in its normalised form', () => {
    expect(check(link('', 'Address = "HTTPS://H2O.ai:443/a/../b?q=1#x"')).manifest?.linkAddress).toBe('https://h2o.ai/b?q=1#x');
    expect(check(link('', 'Address = "https://h2o.ai"')).manifest?.linkAddress).toBe('https://h2o.ai/');
    expect(check(link('', 'Address = "https://bücher.example/ä"')).manifest?.linkAddress).toBe('https://xn--bcher-kva.example/%C3%A4');
  });

  test.each([
    ['https://evil.example\\@trusted.example', 'backslash'],
    ['https://h2o.ai/a\tb', 'invisible'],
    ['https://h2o.ai/a b', 'invisible'],
    ['https://h2o\u200B.ai', 'U+200B'],
    ['https://h2o.ai/\u202Egnp.exe', 'U+202E'],
    ['https://h2o.ai/a\uFEFFb', 'U+FEFF'],
    [`https://h2o.ai/${'a'.repeat(2040)}`, 'at most 2048'],
    ['http://169.254.169.254/latest/meta-data/', 'private'],
    ['http://127.0.0.1:8080/', 'private'],
    ['http://2130706433/', 'private'],
    ['http://0x7f.1/', 'private'],
    ['http://localhost/', 'private'],
    ['http://app.localhost./', 'private'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.20.0.1/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://0.0.0.0/', 'private'],
    ['http://[::1]/', 'private'],
    ['http://[::ffff:127.0.0.1]/', 'private'],
    ['http://[fe80::1]/', 'private'],
    ['http://[fd00::1]/', 'private'],
    ['http://[2002:7f00:1::]/', 'private'], // 6to4 of 127.0.0.1 (every embedding form: link-address.test.ts)
  ])('Link.Address %j is refused at Link.Address', (address, hint) => {
    const r = check(link('', `Address = ${JSON.stringify(address)}`));
    expect(r.errorPaths).toEqual(['Link.Address']);
    expect(r.error('Link.Address')).toContain(hint);
  });

  test('ALLOW_PRIVATE_LINK_ADDRESSES=true lets internal addresses through, nothing else', () => {
    setEnv({ ALLOW_PRIVATE_LINK_ADDRESSES: 'true' });
    try {
      expect(check(link('', 'Address = "http://10.1.2.3:8080/app"')).manifest?.linkAddress).toBe('http://10.1.2.3:8080/app');
      expect(check(link('', 'Address = "http://localhost/"')).errors).toEqual([]);
      expect(check(link('', `Address = ${JSON.stringify('https://a.example\\@b.example')}`)).errorPaths).toEqual(['Link.Address']);
    } finally {
      setEnv({ ALLOW_PRIVATE_LINK_ADDRESSES: undefined });
    }
  });

  test('public addresses pass, including ones that merely look internal', () => {
    for (const address of ['https://h2o.ai', 'http://8.8.8.8/', 'https://[2001:db8::1]/', 'https://localhost.example.com/', 'https://172.32.0.1/']) {
      expect(check(link('', `Address = "${address}"`)).errors, address).toEqual([]);
    }
  });

  test('a missing [Link] is refused', () => {
    expect(check('[App]\nName = "a"\nVersion = "0.0.1"\nInstanceLifecycle = "link"\n').errorPaths).toEqual(['Link.Address']);
  });

  test('Runtime and File must be empty', () => {
    const r = check(`${link()}\n[Runtime]\nModule = "app"\nMemoryLimit = "1Gi"\n\n[[File]]\nPath = "a/b"\nValue = "x"\n`);
    expect(r.errorPaths).toEqual(['Runtime', 'File']);
    expect(r.error('Runtime')).toContain('Module, MemoryLimit');
    expect(check(`${link()}\n[Runtime]\n`).errors).toEqual([]);
  });

  test('[Link] on an app that is not LINK is refused', () => {
    const r = check(toml([], [], '[Link]\nAddress = "https://h2o.ai"\n'));
    expect(r.errorPaths).toEqual(['Link']);
  });
});

test('every problem is reported at once', () => {
  const r = check(
    '[App]\nName = "bad name"\nVersion = "1.0"\nInstanceTimeout = "1d"\n\n[Runtime]\nMemoryLimit = "1GB"\nPort = 0\n\n[[Env]]\nName = "H2O_CLOUD_X"\nSecretKey = "k"\n\n[[File]]\nPath = "x"\nValue = "v"\n',
  );
  expect(r.errorPaths).toEqual([
    'App.Name',
    'App.Version',
    'App.InstanceTimeout',
    'Runtime.MemoryLimit',
    'Runtime.Port',
    'Runtime.Module',
    'Env[0].Name',
    'Env[0].Secret',
    'File[0].Path',
  ]);
  expect(r.manifest).toBeNull();
});

afterEach(() => {
  expect(Object.prototype).not.toHaveProperty('polluted');
});
