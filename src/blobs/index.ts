export type { BlobEntry, BlobStore, StoredBlob } from './types.js';
export { BlobNotFoundError, BlobTooLargeError, isSha256 } from './types.js';
export { FilesystemBlobStore } from './filesystem.js';
export { OCTET_STREAM, PLAIN_TEXT, detectMediaType } from './media-type.js';
