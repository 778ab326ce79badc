import type { Readable } from 'node:stream';
import { fileTypeFromStream } from 'file-type';
import type { BlobStore } from './types.js';

export const OCTET_STREAM = 'application/octet-stream';
export const PLAIN_TEXT = 'text/plain';

/**
 * The media type of stored content, read from the content itself (its magic bytes), never from a
 * file name or the uploader's Content-Type, which are whatever the client says. Content with no
 * signature is plain text when it is all valid UTF-8 without NULs, and opaque bytes otherwise.
 */
export async function detectMediaType(blobs: BlobStore, sha256: string): Promise<string> {
  const sample = blobs.open(sha256);
  try {
    const detected = await fileTypeFromStream(sample);
    if (detected) return detected.mime;
  } finally {
    // The detector reads only as far as it needs; the rest of the file is not wanted.
    sample.destroy();
  }
  return (await isPlainText(blobs.open(sha256))) ? PLAIN_TEXT : OCTET_STREAM;
}

async function isPlainText(content: Readable): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      if (chunk.includes(0)) return false;
      // `stream: true` carries a character split across two chunks over to the next one.
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  } finally {
    content.destroy();
  }
}
