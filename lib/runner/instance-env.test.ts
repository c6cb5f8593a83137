import { describe, expect, it } from 'vitest';
import { appFilePath, instanceBaseUrl, instanceCommand, instanceEnvironment, toInstanceRuntime, unrunnableReason } from './instance-env';
import type { InstanceSpec } from './types';

const base: InstanceSpec = {
  instanceId: '0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11',
  appVersionId: 'app-1',
  appName: 'ai.h2o.wave.demo',
  appVersion: '1.2.3',
  bundlePath: '/x.wave',
  baseUrl: '/instance/0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11/',
  pythonVersion: '3.10',
  env: [
    { name: 'GREETING', value: 'hi', secret: false },
    { name: 'H2O_CLOUD_INSTANCE_ID', value: 'spoofed', secret: false },
  ],
  files: [],
  portalUrl: 'https://apps.example',
  runtime: { module: 'app', appMode: 'wave', port: null, memoryLimit: null, cpuLimit: null, gpuCount: 0, volumeMount: null, routingMode: 'BASE_URL', customImage: null },
};
const runtime = (r: Partial<InstanceSpec['runtime']>): InstanceSpec => ({ ...base, runtime: { ...base.runtime, ...r } });

describe('instance environment', () => {
  it('sets the platform variables after [[Env]], and the Wave addresses for Wave apps', () => {
    const env = instanceEnvironment(base, '/venv', { listen: ':10101', server: '127.0.0.1:10101', app: '10.0.2.100:8000' });
    expect(env).toMatchObject({
      GREETING: 'hi',
      H2O_CLOUD_ENVIRONMENT: 'https://apps.example',
      H2O_CLOUD_INSTANCE_ID: '0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11',
      H2O_CLOUD_APP_NAME: 'ai.h2o.wave.demo',
      H2O_CLOUD_APP_VERSION: '1.2.3',
      H2O_CLOUD_APP_ID: 'app-1',
      H2O_WAVE_BASE_URL: '/instance/0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11/',
      H2O_WAVE_LISTEN: ':10101',
      H2O_WAVE_ADDRESS: 'http://127.0.0.1:10101',
      H2O_WAVE_APP_ADDRESS: 'http://10.0.2.100:8000',
      PATH: '/venv/bin:/usr/local/bin:/usr/bin:/bin',
    });
    expect(Object.keys(instanceEnvironment(base, '/venv', null)).filter((k) => k.startsWith('H2O_WAVE_') && k !== 'H2O_WAVE_BASE_URL')).toEqual([]);
  });

  it('starts python apps with the environment\'s python and Wave apps through the launcher', () => {
    expect(instanceCommand(runtime({ appMode: 'python', module: 'pkg.main' }), '/venv')).toEqual(['/venv/bin/python', '-m', 'pkg.main']);
    const wave = instanceCommand(base, '/venv');
    expect(wave.slice(0, 2)).toEqual(['/usr/bin/python3', '-c']);
    expect(wave.slice(3)).toEqual(['/venv', 'app']);
    expect(wave[2]).toContain("'--no-reload', '--no-autostart'");
  });

  it('puts relative [[File]]s under the app root', () => {
    expect(appFilePath('config/./a.txt')).toBe('/app/config/a.txt');
    expect(appFilePath('/etc/app/x')).toBe('/etc/app/x');
  });

  it('says why an instance cannot run here', () => {
    expect(unrunnableReason(base, 'on', 0)).toBeNull();
    expect(unrunnableReason(runtime({ appMode: 'container', module: null }), 'on', 0)).toMatch(/needs the Kubernetes runner/);
    expect(unrunnableReason(runtime({ module: null }), 'on', 0)).toMatch(/no Runtime.Module/);
    expect(unrunnableReason(runtime({ gpuCount: 2 }), 'on', 1)).toMatch(/asks for 2 GPUs .* this host has 1/);
    expect(unrunnableReason(runtime({ gpuCount: 1 }), 'on', 1)).toBeNull();
    expect(unrunnableReason(runtime({ volumeMount: '/usr/share/x' }), 'on', 0)).toMatch(/VolumeMount \/usr\/share\/x lies inside \/usr/);
    expect(unrunnableReason(runtime({ volumeMount: '/data' }), 'on', 0)).toBeNull();
    expect(unrunnableReason(runtime({ volumeMount: '/data' }), 'off', 0)).toMatch(/absolute paths need the sandbox/);
    expect(unrunnableReason({ ...base, files: [{ path: 'rel.txt', value: '', secret: false }] }, 'off', 0)).toBeNull();
  });

  it('takes the runtime part of an imported version, and the base URL of its routing mode', () => {
    const settings = {
      module: 'app', runtimeVersion: 'deb11_py310_wlatest', volumeMount: '/data', volumeSize: '1Gi', resourceVolumeSize: null,
      memoryLimit: '1Gi', memoryReservation: null, cpuLimit: '2', cpuReservation: null, gpuCount: 0, gpuType: null,
      enableOIDC: false, enableSHM: false, routingMode: 'DOMAIN' as const, appMode: 'python' as const, port: 8501,
      customImage: null, appArgs: [], appEntryPoint: [],
    };
    expect(toInstanceRuntime(settings)).toEqual({ module: 'app', appMode: 'python', port: 8501, memoryLimit: '1Gi', cpuLimit: '2', gpuCount: 0, volumeMount: '/data', routingMode: 'DOMAIN', customImage: null });
    expect(instanceBaseUrl('0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11', 'BASE_URL')).toBe('/instance/0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11/');
    expect(instanceBaseUrl('0b8e7c2e-4a1f-4c55-9a43-2b1f3b0c9d11', 'DOMAIN')).toBe('/');
  });
});
