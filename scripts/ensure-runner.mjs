// Installs what the local runner's sandbox needs when missing, like ensure-chromium.mjs does for the browser:
// bubblewrap, slirp4netns, iproute2 and Debian's python3 with venv (pyenv's interpreters under /root are unreadable for
// the unprivileged users apps run as).
import { existsSync } from 'node:fs';
import { execSync, spawnSync } from 'node:child_process';

const missing = [];
if (!existsSync('/usr/bin/bwrap')) missing.push('bubblewrap');
if (!existsSync('/usr/bin/slirp4netns')) missing.push('slirp4netns');
if (!existsSync('/usr/bin/python3')) missing.push('python3');
// `ip` removes an instance's default route when INSTANCE_EGRESS=false.
if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip') && !existsSync('/usr/bin/ip')) missing.push('iproute2');
if (!existsSync('/usr/bin/python3') || spawnSync('/usr/bin/python3', ['-c', 'import ensurepip, venv']).status !== 0) missing.push('python3-venv');
if (missing.length) {
  console.log(`The local runner needs ${missing.join(', ')}: installing with apt-get…`);
  const sudo = process.getuid && process.getuid() !== 0 ? 'sudo ' : '';
  execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`, {
    stdio: 'inherit',
  });
}
