import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, open as openFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, StoredBlob } from './types.js';
import { BlobNotFoundError, BlobTooLargeError, isSha256 } from './types.js';

/**
 * Blobs as files under one directory: `<root>/<aa>/<bb>/<sha256>`, the two levels keeping any one
 * directory small. An upload is written to `<root>/tmp/` first and renamed into place only when
 * complete and flushed, so a reader never sees half a blob and a crash leaves only a temp file.
 * The root must not be served by anything: the bytes are handed out only through the API.
 */
export class FilesystemBlobStore implements BlobStore {
  private readonly tmp: string;

  constructor(private readonly root: string) {
    this.tmp = join(root, 'tmp');
  }

  async put(content: Readable, maxBytes: number): Promise<StoredBlob> {
    await mkdir(this.tmp, { recursive: true });
    const temp = join(this.tmp, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        // Failing the pipeline here stops reading the source at once: the rest is never written.
        if (size > maxBytes) return done(new BlobTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      // `flush` syncs the file before it is closed, so the rename below publishes complete bytes.
      await pipeline(content, meter, createWriteStream(temp, { flags: 'wx', mode: 0o640, flush: true }));
      const sha256 = hash.digest('hex');
      const target = this.pathOf(sha256);
      if (await exists(target)) {
        await rm(temp, { force: true });
      } else {
        await mkdir(dirname(target), { recursive: true });
        // Two uploads of the same new content may both get here: rename is atomic and the bytes are equal.
        await rename(temp, target);
        await syncDirectory(dirname(target));
      }
      return { sha256, size };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  open(sha256: string): Readable {
    // Destroying the returned stream (a client that hangs up) ends the generator, which closes the file.
    return Readable.from(readFile(isSha256(sha256) ? this.pathOf(sha256) : null, sha256), { objectMode: false });
  }

  async has(sha256: string): Promise<boolean> {
    return isSha256(sha256) && (await exists(this.pathOf(sha256)));
  }

  private pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes the rename itself durable: without it a crash may forget the new directory entry. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await openFile(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function* readFile(path: string | null, sha256: string): AsyncGenerator<Buffer> {
  if (path === null) throw new BlobNotFoundError(sha256);
  let handle;
  try {
    handle = await openFile(path, 'r');
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new BlobNotFoundError(sha256) : error;
  }
  const stream = handle.createReadStream();
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}
