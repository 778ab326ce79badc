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
   * nothing either. Content already stored is not written again, but its `storedAt` is renewed:
   * the caller is about to refer to it, and the sweep must not take it meanwhile.
   */
  put(content: Readable, maxBytes: number): Promise<StoredBlob>;
  /** The stored bytes; the stream fails with BlobNotFoundError when nothing is stored under `sha256`. */
  open(sha256: string): Readable;
  has(sha256: string): Promise<boolean>;
  /** Every stored blob with the time it was last stored, one directory at a time (never all at once). */
  list(): AsyncIterable<BlobEntry>;
  /**
   * Removes the blob unless it was stored again after `cutoff` (a `put` of the same content renews
   * `storedAt`, even while this runs); answers whether it was removed.
   */
  removeUnlessStoredSince(sha256: string, cutoff: Date): Promise<boolean>;
  /** Removes what uploads that stopped before `cutoff` left behind (a crash mid-upload); answers how many. */
  tidyTemporaryFiles(cutoff: Date): Promise<number>;
}

/** A stored blob as the sweep sees it: its address and when it was last stored (written or sent again). */
export interface BlobEntry {
  readonly sha256: string;
  readonly storedAt: Date;
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
