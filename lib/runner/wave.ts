// How a Wave app starts, as on the platform: its own Wave server (waved, shipped by the h2o-wave package
// into the virtual environment) and the app under `wave run --no-reload --no-autostart <Module>`.
// Variables (h2oai/wave website/docs/configuration.md): waved listens on H2O_WAVE_LISTEN; the app reaches
// it at H2O_WAVE_ADDRESS and serves on H2O_WAVE_APP_ADDRESS; both read H2O_WAVE_BASE_URL.

/** waved's port inside the instance's own network namespace: what the router reaches. */
export const WAVE_SERVER_PORT = 10101;
/** The app server's port: waved reaches it, and the runner (forwarded, never routed) to see the app is up. */
export const WAVE_APP_PORT = 8000;

/**
 * Runs inside the sandbox with Debian's python3: `launcher <venv> <module>`. Starts waved from the venv
 * (`<venv>/waved` as h2o-wave installs it, else `<venv>/bin/waved`) with the venv as working directory,
 * then the app; when either ends, ends the other and exits with its status.
 */
export const WAVE_LAUNCHER = String.raw`
import os, signal, subprocess, sys
venv, module = sys.argv[1], sys.argv[2]
waved = os.path.join(venv, 'waved')
if not os.path.isfile(waved):
    waved = os.path.join(venv, 'bin', 'waved')
server = subprocess.Popen([waved], cwd=os.path.dirname(waved))
app = subprocess.Popen([os.path.join(venv, 'bin', 'wave'), 'run', '--no-reload', '--no-autostart', module])
def stop(signum, frame):
    for p in (app, server):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
signal.signal(signal.SIGTERM, stop)
while True:
    pid, status = os.wait()
    if pid in (server.pid, app.pid):
        break
code = os.waitstatus_to_exitcode(status)
name = 'waved' if pid == server.pid else 'the app'
print('[launcher] %s exited with %s' % (name, code if code >= 0 else 'signal %d' % -code), file=sys.stderr, flush=True)
other = app if pid == server.pid else server
if other.poll() is None:
    other.terminate()
    try:
        other.wait(5)
    except subprocess.TimeoutExpired:
        other.kill()
sys.exit(code if code >= 0 else 128 - code)
`;
