// Asking for input: a visible line, a password without echo on a terminal, or all of a piped stdin.
import { CliError } from './errors';
import type { CliIo } from './io';

export async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line typed on a terminal in its usual (echoing, line-editing) mode. */
export async function promptLine(io: CliIo, question: string): Promise<string> {
  const input = io.stdin;
  io.stderr.write(question);
  let buffered = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: string | Buffer) => {
        buffered += String(chunk);
        const end = buffered.search(/[\r\n]/);
        if (end === -1) return;
        const rest = buffered.slice(end + 1).replace(/^\n/, '');
        if (rest) input.unshift(Buffer.from(rest));
        done(() => resolve(buffered.slice(0, end)));
      };
      const onEnd = () => done(() => reject(new CliError('no answer: the input ended', 1)));
      const done = (settle: () => void) => {
        input.off('data', onData);
        input.off('end', onEnd);
        settle();
      };
      input.on('data', onData);
      input.on('end', onEnd);
      input.resume();
    });
  } finally {
    input.pause();
  }
}

/** Reads one line from a terminal in raw mode, echoing nothing. */
export async function promptHidden(io: CliIo, question: string): Promise<string> {
  const input = io.stdin;
  if (!input.setRawMode) throw new CliError('cannot hide the password on this input; use --password-stdin');
  io.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  let value = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: string | Buffer) => {
        for (const ch of String(chunk)) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(() => resolve(value));
          if (ch === '\u0003') return done(() => reject(new CliError('cancelled', 130)));
          if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
          else if (ch >= ' ') value += ch;
        }
      };
      const done = (settle: () => void) => {
        input.off('data', onData);
        settle();
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    io.stderr.write('\n');
  }
}
