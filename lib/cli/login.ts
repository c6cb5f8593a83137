// `appstore login`: trades an email and password for an API token and stores it for later commands.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { normalizeUrl, writeConfig } from './config-file';
import { CliError, UsageError, parsingArguments } from './errors';
import { errorMessage, readAnswer, send } from './http';
import type { CliIo } from './io';
import { promptHidden, promptLine, readAll } from './prompt';

export async function loginCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parsingArguments(() =>
    parseArgs({
      args,
      options: {
        url: { type: 'string' },
        email: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        sso: { type: 'boolean', default: false },
        'no-browser': { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (!values.url) throw new UsageError('--url is required');
  if (values['password-stdin'] && !values.email) throw new UsageError('--password-stdin needs --email');
  const url = normalizeUrl(values.url);
  if (values.sso) {
    if (values.email || values['password-stdin']) throw new UsageError('--sso signs in at the identity provider: no --email or --password-stdin');
    return (await import('./sso-login')).ssoLogin(url, io, { openBrowser: !values['no-browser'] });
  }
  if (values['no-browser']) throw new UsageError('--no-browser goes with --sso');

  const { email, password } = await askCredentials(io, values.email, values['password-stdin']);
  if (!email) throw new CliError('an email is required');
  if (!password) throw new CliError('a password is required');

  const res = await send(`${url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    // The portal keeps token names to 100 characters.
    body: JSON.stringify({ email, password, name: `appstore CLI on ${os.hostname()}`.slice(0, 100) }),
  });
  const { json } = await readAnswer(res);
  if (!res.ok) throw new CliError(`login failed: ${errorMessage(res, json)}`);
  const token = (json as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string' || !token) throw new CliError('the portal answered without a token');

  const file = await writeConfig(io.env, { url, token });
  io.stdout.write(`Logged in to ${url} as ${email}; token stored in ${file}\n`);
  return 0;
}

async function askCredentials(
  io: CliIo,
  email: string | undefined,
  passwordStdin: boolean,
): Promise<{ email: string; password: string }> {
  if (passwordStdin) {
    // Like `docker login --password-stdin`: all of stdin, less the final line break.
    return { email: email!.trim(), password: (await readAll(io.stdin)).replace(/\r?\n$/, '') };
  }
  if (io.stdin.isTTY) {
    const answer = email ?? (await promptLine(io, 'Email: '));
    return { email: answer.trim(), password: await promptHidden(io, 'Password: ') };
  }
  // Piped: the email on the first line (unless given with --email), then the password.
  const lines = (await readAll(io.stdin)).split(/\r?\n/);
  const fromInput = email === undefined ? (lines.shift() ?? '') : email;
  return { email: fromInput.trim(), password: lines.shift() ?? '' };
}
