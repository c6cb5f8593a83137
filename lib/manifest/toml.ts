// Turns app.toml bytes into a TOML tree, refusing what a hostile or broken upload could smuggle in:
// invalid UTF-8, deep nesting, and keys that would reach an object prototype.
import { parse, TomlError } from 'smol-toml';
import type { Problem } from './types';

/** Path used for problems about the file as a whole rather than one attribute. */
export const FILE_PATH = 'app.toml';

/** Inline arrays/tables nested deeper than this are refused by the parser itself. */
const MAX_INLINE_DEPTH = 8;
/** Tables plus arrays along any path; a real app.toml needs 3 (`Env[0].Name`). */
const MAX_TREE_DEPTH = 12;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type TomlTable = { [key: string]: unknown };

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `App.Name`, `Env[1].Name`, `Brand."odd key"`. */
export function formatPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      const shown = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
      out += out === '' ? shown : `.${shown}`;
    }
  }
  return out;
}

type Decoded = { ok: true; text: string } | { ok: false; problem: Problem };

/** Strict UTF-8 (a leading BOM is dropped); the error names the first bad line. */
export function decodeSource(source: string | Uint8Array): Decoded {
  if (typeof source === 'string') {
    if (!source.isWellFormed()) {
      return { ok: false, problem: { path: FILE_PATH, message: 'app.toml contains text that is not valid Unicode.' } };
    }
    return { ok: true, text: source.startsWith('\uFEFF') ? source.slice(1) : source };
  }
  try {
    // ignoreBOM defaults to false, so the decoder itself strips a leading BOM.
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(source) };
  } catch {
    return {
      ok: false,
      problem: {
        path: FILE_PATH,
        message: `app.toml is not valid UTF-8 (first bad byte on line ${firstInvalidLine(source)}); save it as UTF-8.`,
      },
    };
  }
}

/** A newline byte never occurs inside a multi-byte UTF-8 sequence, so lines can be checked one by one. */
function firstInvalidLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

type Parsed = { ok: true; root: TomlTable } | { ok: false; problems: Problem[] };

export function parseToml(text: string): Parsed {
  let root: TomlTable;
  try {
    // Integers as BigInt keep `GPUCount = 1` distinguishable from `GPUCount = 1.0`.
    root = parse(text, { maxDepth: MAX_INLINE_DEPTH, integersAsBigInt: true }) as TomlTable;
  } catch (err) {
    if (err instanceof TomlError) return { ok: false, problems: [syntaxProblem(text, err)] };
    return { ok: false, problems: [{ path: FILE_PATH, message: 'app.toml could not be parsed as TOML.' }] };
  }
  const problems: Problem[] = [];
  checkTree(root, [], problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, root };
}

/** One source line with a caret under `column` (1-based). */
function excerpt(lines: string[], line: number, column: number): string {
  const source = lines[line - 1] ?? '';
  return `${String(line).padStart(3)} | ${source}\n    | ${' '.repeat(Math.max(0, column - 1))}^`;
}

/**
 * Where a string that never closes starts on `line`: smol-toml reports the line break that ends it as a
 * "control character", which sends people looking for invisible characters.
 */
function unterminatedStringStart(source: string): number | null {
  let open: { quote: string; at: number } | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (open) {
      if (c === '\\' && open.quote === '"') i++;
      else if (source.startsWith(open.quote, i)) {
        i += open.quote.length - 1;
        open = null;
      }
    } else if (c === '#') {
      break;
    } else if (c === '"' || c === "'") {
      const triple = source.startsWith(c.repeat(3), i);
      if (triple) return null; // multi-line strings may span lines
      open = { quote: c, at: i };
    }
  }
  return open ? open.at + 1 : null;
}

function syntaxProblem(text: string, err: TomlError): Problem {
  const lines = text.split(/\r?\n/);
  // The message repeats the position and appends a code excerpt; keep only the reason.
  const reason = err.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
  if (/control characters are not allowed|unfinished string/.test(reason)) {
    const start = unterminatedStringStart(lines[err.line - 1] ?? '');
    if (start !== null) {
      return {
        path: FILE_PATH,
        message: `TOML syntax error: unterminated string starting at line ${err.line}, column ${start}; close it with the same quote on the same line.`,
        excerpt: excerpt(lines, err.line, start),
      };
    }
  }
  return {
    path: FILE_PATH,
    message: `TOML syntax error at line ${err.line}, column ${err.column}: ${reason}.`,
    excerpt: excerpt(lines, err.line, err.column),
  };
}

function checkTree(value: unknown, path: PropertyKey[], problems: Problem[]): void {
  if (path.length > MAX_TREE_DEPTH) {
    problems.push({ path: formatPath(path), message: `Nesting is deeper than ${MAX_TREE_DEPTH} levels; app.toml does not need this.` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkTree(item, [...path, i], problems));
  } else if (isTable(value)) {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        problems.push({ path: formatPath([...path, key]), message: `The key "${key}" is not allowed.` });
        continue;
      }
      checkTree(value[key], [...path, key], problems);
    }
  }
}
