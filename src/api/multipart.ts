import busboy from 'busboy';
import type { BlobStore } from '../blobs/index.js';
import { BlobTooLargeError } from '../blobs/index.js';
import type { ReceivedFile, UploadAllowance } from '../commands/tickets/attachments.js';
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
 * than a chunk of it in memory. A form with anything besides that file is 400; a file past the
 * allowance is 413 as soon as the limit is crossed (naming the per-file limit or the tenant's quota,
 * whichever it crossed), and nothing of it is kept. Whatever is left of a refused body is drained
 * and dropped, so the connection stays usable for the answer.
 */
export function receiveFile(ctx: AppContext, options: { readonly field: string; readonly allowance: UploadAllowance; readonly blobs: BlobStore }): Promise<ReceivedFile> {
  const { req } = ctx;
  const { maxBytes, quota } = options.allowance;
  const refusal = () => (quota ? quotaExceeded(quota) : tooLarge(maxBytes));
  const bodyLimit = maxBytes + FORM_OVERHEAD_BYTES;
  const declared = ctx.request.length;
  // A tenant with no room left is refused before a byte is read, even for an empty file.
  if ((quota && maxBytes === 0) || (declared !== undefined && declared > bodyLimit)) return Promise.reject(refusal());
  let parser: busboy.Busboy;
  try {
    // One byte past the limit reaches the store, which is how it tells "too large" from "exactly the limit".
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 0, fileSize: maxBytes + 1, headerPairs: 20 } });
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
      stored = options.blobs.put(content, maxBytes).then((blob) => ({ ...blob, filename }));
      stored.catch((error: unknown) => fail(error instanceof BlobTooLargeError ? refusal() : asError(error)));
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
      if (received > bodyLimit) fail(refusal());
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

/**
 * 413 rather than 507: the request is what does not fit (a smaller file may), not the server's
 * storage; the answer says how much of the quota is used.
 */
function quotaExceeded(quota: NonNullable<UploadAllowance['quota']>): HttpProblem {
  const left = Math.max(quota.quotaBytes - quota.usedBytes, 0);
  return new HttpProblem(413, 'attachment-quota-exceeded', 'Content Too Large', `the file does not fit in the tenant's attachment storage: ${quota.usedBytes} of its ${quota.quotaBytes} bytes are used, ${left} are left`);
}

function malformed(detail: string): HttpProblem {
  return new HttpProblem(400, 'invalid-upload', 'Bad Request', detail);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
