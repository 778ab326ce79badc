import busboy from 'busboy';
import type { BlobStore } from '../blobs/index.js';
import { BlobTooLargeError } from '../blobs/index.js';
import type { ReceivedFile } from '../commands/tickets/attachments.js';
import type { AppContext } from './context.js';
import { HttpProblem } from './problem.js';

/** Room for the boundaries and part headers around the file, beyond the file's own limit. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/** Uploads are multipart/form-data; anything else is refused before a byte of it is read. */
export function requireMultipart(ctx: AppContext): void {
  if (!ctx.is('multipart/form-data')) {
    throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', `expected multipart/form-data, got ${ctx.get('Content-Type') || 'no Content-Type'}`, { Accept: 'multipart/form-data' });
  }
}

/**
 * Streams the one file of a multipart/form-data request into the blob store, never holding more
 * than a chunk of it in memory. A form with anything besides that file is 400; a file past
 * `maxBytes` is 413 as soon as the limit is crossed, and nothing of it is kept. Whatever is left of
 * a refused body is drained and dropped, so the connection stays usable for the answer.
 */
export function receiveFile(ctx: AppContext, options: { readonly field: string; readonly maxBytes: number; readonly blobs: BlobStore }): Promise<ReceivedFile> {
  const { req } = ctx;
  const bodyLimit = options.maxBytes + FORM_OVERHEAD_BYTES;
  const declared = ctx.request.length;
  if (declared !== undefined && declared > bodyLimit) return Promise.reject(tooLarge(options.maxBytes));
  let parser: busboy.Busboy;
  try {
    // One byte past the limit reaches the store, which is how it tells "too large" from "exactly the limit".
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 0, fileSize: options.maxBytes + 1, headerPairs: 20 } });
  } catch {
    return Promise.reject(malformed('the multipart body has no boundary'));
  }
  return new Promise<ReceivedFile>((resolve, reject) => {
    let stored: Promise<ReceivedFile> | undefined;
    let settled = false;
    let received = 0;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.off('data', count);
      // Destroying the parser fails a file still being written, so the store removes its temp file.
      parser.destroy();
      req.resume();
      // Answer only once the store has cleaned up after itself.
      void (stored ?? Promise.resolve()).catch(() => undefined).finally(() => reject(error));
    };
    parser.on('file', (name, content, info) => {
      // Destroying the parser errors the file stream too, maybe after the store stopped listening;
      // what went wrong is already known by then.
      content.on('error', () => undefined);
      if (name !== options.field) {
        content.resume();
        fail(malformed(`send the file in the form field "${options.field}"`));
        return;
      }
      const filename = info.filename ?? '';
      stored = options.blobs.put(content, options.maxBytes).then((blob) => ({ ...blob, filename }));
      stored.catch((error: unknown) => fail(error instanceof BlobTooLargeError ? tooLarge(options.maxBytes) : asError(error)));
    });
    parser.on('filesLimit', () => fail(malformed('send one file per request')));
    parser.on('fieldsLimit', () => fail(malformed(`send only the file, in the form field "${options.field}"`)));
    parser.on('error', () => fail(malformed('the multipart body is malformed')));
    parser.on('close', () => {
      if (settled) return;
      if (!stored) {
        fail(malformed(`no file: send it in the form field "${options.field}"`));
        return;
      }
      stored.then(
        (file) => {
          if (settled) return;
          settled = true;
          resolve(file);
        },
        // A failed store was already answered by the handler on `stored` above.
        () => undefined,
      );
    });
    // Chunked bodies declare no length: count them, so extra parts cannot stream on without end.
    function count(chunk: Buffer): void {
      received += chunk.length;
      if (received > bodyLimit) fail(tooLarge(options.maxBytes));
    }
    req.on('data', count);
    req.once('error', () => fail(malformed('the upload was interrupted')));
    req.once('close', () => {
      if (!req.complete) fail(malformed('the upload was interrupted'));
    });
    req.pipe(parser);
  });
}

function tooLarge(maxBytes: number): HttpProblem {
  return new HttpProblem(413, 'attachment-too-large', 'Content Too Large', `the file is larger than ${maxBytes} bytes`);
}

function malformed(detail: string): HttpProblem {
  return new HttpProblem(400, 'invalid-upload', 'Bad Request', detail);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
