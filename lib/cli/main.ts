// Entry point of the `appstore` command line: dispatches sub-commands and turns failures into exit codes.
import { CliError, UsageError } from './errors';
import type { CliIo } from './io';
import { COMMAND_USAGE, MAIN_USAGE } from './usage';

type Command = (args: string[], io: CliIo) => Promise<number>;

// Loaded on demand: `appstore login` need not load the zip and manifest code.
const COMMANDS: Record<string, () => Promise<Command>> = {
  bundle: async () => (await import('./bundle')).bundleCommand,
  validate: async () => (await import('./validate')).validateCommand,
  login: async () => (await import('./login')).loginCommand,
  import: async () => (await import('./import')).importCommand,
  env: async () => (await import('./runtime-versions')).envCommand,
  app: async () => (await import('./instances')).appCommand,
  instance: async () => (await import('./instances')).instanceCommand,
  secret: async () => (await import('./secrets')).secretCommand,
  tag: async () => (await import('./tags')).tagCommand,
  admin: async () => (await import('./admin')).adminCommand,
};

function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(MAIN_USAGE);
    return 0;
  }
  if (name === undefined || !Object.hasOwn(COMMANDS, name)) {
    if (name !== undefined) io.stderr.write(`appstore: unknown command: ${name}\n\n`);
    io.stderr.write(MAIN_USAGE);
    return 2;
  }
  if (wantsHelp(args)) {
    io.stdout.write(COMMAND_USAGE[name]);
    return 0;
  }
  try {
    const command = await COMMANDS[name]();
    return await command(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`appstore ${name}: ${err.message}\n\n${COMMAND_USAGE[name]}`);
      return err.exitCode;
    }
    if (err instanceof CliError) {
      io.stderr.write(`appstore ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`appstore ${name}: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (io.env.APPSTORE_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
