import type { Readable } from 'node:stream';

/** What a stored blob is known by: its content's SHA-256 (lowercase hex) and its length. */
export interface StoredBlob {
  readonly sha256: string;
  readonly size: number;
}

/**
 * Content-addressed storage for uploaded bytes. The same content is kept once whoever sends it;
 * a blob, once stored, never changes, so readers need no locks.
 */
export interface BlobStore {
  /**
   * Stores what `content` yields, hashing it on the way, and answers its address. Past `maxBytes`
   * it stops reading, keeps nothing and rejects with BlobTooLargeError; a failing source keeps
   * nothing either.
   */
  put(content: Readable, maxBytes: number): Promise<StoredBlob>;
  /** The stored bytes; the stream fails with BlobNotFoundError when nothing is stored under `sha256`. */
  open(sha256: string): Readable;
  has(sha256: string): Promise<boolean>;
}

export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the content is larger than ${maxBytes} bytes`);
  }
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(readonly sha256: string) {
    super(`no blob ${sha256}`);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Only a well-formed digest names a blob: anything else could walk out of the store's directory. */
export const isSha256 = (value: string): boolean => SHA256.test(value);
