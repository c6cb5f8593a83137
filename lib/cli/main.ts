// Entry point of the `appstore` command line: dispatches sub-commands.
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`appstore: not implemented yet (${argv.join(' ')})\n`);
  return 2;
}
