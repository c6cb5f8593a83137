// Failures a command reports as one line on stderr and an exit code, instead of a stack trace.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Wrong arguments: main prints the command's usage after the message and exits with 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** Runs an argument parser (node:util parseArgs throws TypeErrors) and turns its complaints into a UsageError. */
export function parsingArguments<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}
