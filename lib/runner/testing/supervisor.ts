// A stand-in portal process for the crash test: starts one instance with the local runner, prints
// `READY <port> <sandbox uid>` and waits to be killed.
import { LocalRunner } from '../local-runner';

const [dir, bundlePath, instanceId] = process.argv.slice(2);
const runner = new LocalRunner({ dir, operatorEnv: { PIP_NO_INDEX: '1' }, startTimeoutMs: 120_000 });
runner
  .start({
    instanceId,
    appVersionId: 'probe-app-v1',
    appName: 'probe-app',
    appVersion: '1.0.0',
    bundlePath,
    baseUrl: '/',
    pythonVersion: null,
    env: [],
    files: [],
    portalUrl: 'http://portal.example',
    runtime: { module: 'probe', appMode: 'python', port: null, memoryLimit: null, cpuLimit: null, gpuCount: 0, volumeMount: null, routingMode: 'DOMAIN', customImage: null },
  })
  .then((r) => console.log(`READY ${r.endpoint.port} ${runner.instanceUid(instanceId) ?? ''}`))
  .catch((e) => {
    console.log(`FAILED ${e.message}`);
    process.exit(1);
  });
setInterval(() => {}, 1 << 30);
