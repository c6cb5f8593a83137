// Receives an upload as a stream into a staging file: counts bytes, hashes as it goes, and stops with
// 413 the moment the limit is passed, removing the partial file. Nothing is held whole in memory.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform, Writable } from 'node:stream';
import { AppError } from '@/lib/errors';
import { stagingDir } from './paths';

export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
  /** Settles once the file's bytes are on disk; the flush runs in the background after staging. */
  durable?: Promise<void>;
}

/** Dirty bytes after which a background flush starts, so that disk writes overlap the upload. */
const FLUSH_EVERY = 32 * 1024 * 1024;

const MiB = 1024 * 1024;

export function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'TOO_LARGE',
    `The bundle is larger than the limit of ${Math.round((maxBytes / MiB) * 10) / 10} MiB (BUNDLE_MAX_BYTES).`,
  );
}

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

export function notAZip(): AppError {
  return new AppError('INVALID_BUNDLE', 'The upload is not a .wave bundle: a bundle is a zip archive, and these bytes are not one.', [
    { path: 'bundle', message: 'The file does not start like a zip archive.' },
  ]);
}

export interface StageOptions {
  /** Refuse the upload as soon as its first bytes are not a zip's local file header. */
  zipOnly?: boolean;
  /** Aborts the upload (the client went away): the partial file is removed at once. */
  signal?: AbortSignal;
  /** Called with the size of each chunk before it is written; throwing an AppError stops the upload. */
  onChunk?: (bytes: number) => void;
}

/** Streams `source` to a new file under `dir` (default: DATA_DIR/staging). */
export async function stageStream(
  source: Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  maxBytes: number,
  dir = stagingDir(),
  options: StageOptions = {},
): Promise<StagedFile> {
  // The source may fail while the file is being opened, before the pipeline listens: without a listener
  // that error would be uncaught. The pipeline still sees it (the stream is then destroyed).
  if (source instanceof Readable) source.on('error', () => undefined);
  await fsp.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.part`);
  const handle = await fsp.open(file, 'wx');
  const hash = createHash('sha256');
  let size = 0;
  let unflushed = 0;
  let flushing: Promise<void> | null = null;
  let head = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) return callback(tooLarge(maxBytes));
      if (options.zipOnly && head.length < ZIP_MAGIC.length) {
        head = Buffer.concat([head, chunk.subarray(0, ZIP_MAGIC.length - head.length)]);
        if (!ZIP_MAGIC.subarray(0, head.length).equals(head)) return callback(notAZip());
      }
      try {
        options.onChunk?.(chunk.length);
      } catch (error) {
        return callback(error as Error);
      }
      hash.update(chunk);
      unflushed += chunk.length;
      if (unflushed >= FLUSH_EVERY && !flushing) {
        unflushed = 0;
        flushing = handle
          .datasync()
          .catch(() => undefined)
          .finally(() => {
            flushing = null;
          });
      }
      callback(null, chunk);
    },
  });
  // Writes through our own handle (kept open for the background flush, closed by us).
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      handle.write(chunk).then(() => callback(), callback);
    },
  });
  const input =
    source instanceof Readable
      ? source
      : Symbol.asyncIterator in source
        ? Readable.from(source as AsyncIterable<Uint8Array>)
        : Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>);
  try {
    await pipeline(input, meter, sink, ...(options.signal ? [{ signal: options.signal }] : []));
    if (options.zipOnly && size > 0 && head.length < ZIP_MAGIC.length) throw notAZip();
  } catch (error) {
    await flushing;
    await handle.close();
    await fsp.rm(file, { force: true });
    throw error;
  }
  const durable = (async () => {
    await flushing;
    await handle.sync();
  })().finally(() => handle.close());
  if (size === 0) {
    await durable.catch(() => undefined);
    await fsp.rm(file, { force: true });
    throw new AppError('INVALID_BUNDLE', 'The upload is empty: send the .wave file as the request body.', [
      { path: 'bundle', message: 'The file is empty.' },
    ]);
  }
  // Not awaited here: the caller checks the bundle while the flush runs.
  durable.catch(() => undefined);
  return { path: file, sha256: hash.digest('hex'), size, durable };
}
