// Reads an uploaded bundle from a request into a staging file, as the raw body or the first file of a
// multipart form, without ever holding it whole in memory; answers 413 while streaming past the limit.
import 'server-only';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { bundleLimits } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { stageStream, tooLarge, type StagedFile } from '@/lib/storage/staging';

export interface ReceivedBundle {
  staged: StagedFile;
  /** Plain fields of a multipart form (e.g. visibility); empty for a raw body. */
  fields: Record<string, string>;
}

export async function receiveBundle(request: Request, dir?: string): Promise<ReceivedBundle> {
  const maxBytes = bundleLimits().BUNDLE_MAX_BYTES;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) throw tooLarge(maxBytes);
  if (!request.body) {
    throw new AppError('INVALID_BUNDLE', 'Send the .wave file as the request body.', [{ path: 'bundle', message: 'No file was sent.' }]);
  }
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    return { staged: await stageStream(request.body, maxBytes, dir), fields: {} };
  }
  return receiveMultipart(request.body, type, maxBytes, dir);
}

function receiveMultipart(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  maxBytes: number,
  dir?: string,
): Promise<ReceivedBundle> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let staging: Promise<StagedFile> | null = null;
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
    parser.on('file', (_name, stream) => {
      if (staging) return stream.resume();
      staging = stageStream(stream, maxBytes, dir);
      // Keep the parser flowing if staging stops early (413): drain what is left.
      staging.catch(() => stream.resume());
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('error', () => reject(new AppError('INVALID_INPUT', 'The multipart request is malformed.')));
    parser.on('close', () => {
      if (!staging) {
        reject(new AppError('INVALID_BUNDLE', 'The form holds no file: send the bundle in a file field.', [{ path: 'bundle', message: 'No file was sent.' }]));
        return;
      }
      staging.then((staged) => resolve({ staged, fields }), reject);
    });
    const input = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
    input.on('error', reject);
    input.pipe(parser);
  });
}
