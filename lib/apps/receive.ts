// Reads an uploaded bundle from a request into a staging file, as the raw body or the first file of a
// multipart form, without ever holding it whole in memory; answers 413 while streaming past the limit,
// 400 as soon as the first bytes are not a zip, 429 past the user's staging quota, and removes the
// partial file at once when the client goes away.
import 'server-only';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { bundleLimits, stagedUploadQuota } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { addStagedBytes, releaseStagedBytes, stagedBytes } from '@/lib/storage/staged-bytes';
import { stageStream, tooLarge, type StageOptions, type StagedFile } from '@/lib/storage/staging';

export interface ReceivedBundle {
  staged: StagedFile;
  /** Plain fields of a multipart form (e.g. visibility); empty for a raw body. */
  fields: Record<string, string>;
}

const MiB = 1024 * 1024;

function quotaReached(quota: number): AppError {
  return new AppError(
    'RATE_LIMITED',
    `Your staged uploads would pass ${Math.round((quota / MiB) * 10) / 10} MiB (STAGED_UPLOAD_QUOTA). Import or abandon the ones in progress, then try again.`,
  );
}

/** Receives the bundle into `dir`, one user's staging directory, counted against that user's quota. */
export async function receiveBundle(request: Request, dir: string): Promise<ReceivedBundle> {
  const maxBytes = bundleLimits().BUNDLE_MAX_BYTES;
  const quota = stagedUploadQuota();
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) throw tooLarge(maxBytes);
  if (!request.body) {
    throw new AppError('INVALID_BUNDLE', 'Send the .wave file as the request body.', [{ path: 'bundle', message: 'No file was sent.' }]);
  }
  if (stagedBytes(dir) >= quota) throw quotaReached(quota);
  let counted = 0;
  const options: StageOptions = {
    zipOnly: true,
    signal: request.signal,
    onChunk(bytes) {
      if (stagedBytes(dir) + bytes > quota) throw quotaReached(quota);
      addStagedBytes(dir, bytes);
      counted += bytes;
    },
  };
  try {
    const type = request.headers.get('content-type') ?? '';
    if (!type.toLowerCase().startsWith('multipart/form-data')) {
      return { staged: await stageStream(request.body, maxBytes, dir, options), fields: {} };
    }
    return await receiveMultipart(request.body, type, maxBytes, dir, options);
  } catch (error) {
    releaseStagedBytes(dir, counted);
    // The client went away mid-upload: nobody hears the answer, but it is not a server fault.
    if (error instanceof Error && (error.name === 'AbortError' || error.message === 'aborted')) {
      throw new AppError('INVALID_INPUT', 'The upload was interrupted.');
    }
    throw error;
  }
}

function receiveMultipart(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  maxBytes: number,
  dir: string,
  options: StageOptions,
): Promise<ReceivedBundle> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let staging: Promise<StagedFile> | null = null;
    let file: Readable | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { files: 1, fields: 20, fieldSize: 1024, parts: 25 },
      });
    } catch {
      reject(new AppError('INVALID_INPUT', 'The multipart request could not be read.'));
      return;
    }
    const input = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
    /** Ends the upload: the file being staged stops (its partial file is removed), and so does the parser. */
    const fail = (error: AppError) => {
      file?.destroy(error);
      input.unpipe(parser);
      input.destroy();
      // Answer once staging has cleaned up, so nothing is left when the client hears back.
      if (staging) staging.then(() => reject(error), () => reject(error));
      else reject(error);
    };
    parser.on('file', (_name, stream) => {
      if (staging) return stream.resume();
      file = stream;
      staging = stageStream(stream, maxBytes, dir, options);
      // Keep the parser flowing if staging stops early (413): drain what is left.
      staging.catch(() => stream.resume());
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('error', () => fail(new AppError('INVALID_INPUT', 'The multipart request is malformed or ends before its last part.')));
    parser.on('close', () => {
      if (!staging) {
        reject(new AppError('INVALID_BUNDLE', 'The form holds no file: send the bundle in a file field.', [{ path: 'bundle', message: 'No file was sent.' }]));
        return;
      }
      staging.then((staged) => resolve({ staged, fields }), reject);
    });
    // The client went away, or the body broke off.
    input.on('error', () => fail(new AppError('INVALID_INPUT', 'The upload was interrupted.')));
    options.signal?.addEventListener('abort', () => fail(new AppError('INVALID_INPUT', 'The upload was interrupted.')), { once: true });
    input.pipe(parser);
  });
}
