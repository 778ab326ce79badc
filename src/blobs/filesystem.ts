import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, open as openFile, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobEntry, BlobStore, StoredBlob } from './types.js';
import { BlobNotFoundError, BlobTooLargeError, isSha256 } from './types.js';

/**
 * Blobs as files under one directory: `<root>/<aa>/<bb>/<sha256>`, the two levels keeping any one
 * directory small. An upload is written to `<root>/tmp/` first and renamed into place only when
 * complete and flushed, so a reader never sees half a blob and a crash leaves only a temp file.
 * The root must not be served by anything: the bytes are handed out only through the API.
 *
 * A blob's `storedAt` is its file's modification time: set when it is written, renewed when the same
 * content is stored again. The sweep (src/blobs/sweep.ts) relies on that renewal and on rename being
 * atomic; see `removeUnlessStoredSince` for how the two meet.
 */
export class FilesystemBlobStore implements BlobStore {
  private readonly tmp: string;

  constructor(private readonly root: string) {
    this.tmp = join(root, 'tmp');
  }

  async put(content: Readable, maxBytes: number): Promise<StoredBlob> {
    await mkdir(this.tmp, { recursive: true });
    const temp = join(this.tmp, `${randomUUID()}${PART}`);
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
    // `flush` syncs the file before it is closed, so the rename below publishes complete bytes.
    const sink = createWriteStream(temp, { flags: 'wx', mode: 0o640, flush: true });
    try {
      await pipeline(content, meter, sink);
      const sha256 = hash.digest('hex');
      const target = this.pathOf(sha256);
      // Renewing the stored copy is what claims it against the sweep; when the sweep has just taken
      // it away the renewal fails, and these bytes take its place as a new blob.
      if (await renewed(target)) {
        await rm(temp, { force: true });
      } else {
        await mkdir(dirname(target), { recursive: true });
        // Two uploads of the same new content may both get here: rename is atomic and the bytes are equal.
        await rename(temp, target);
        await syncDirectory(dirname(target));
      }
      return { sha256, size };
    } catch (error) {
      // A source that fails at once can beat the file's own open: removed before it is closed, the
      // file would appear afterwards and stay behind.
      if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
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

  async *list(): AsyncGenerator<BlobEntry> {
    for (const first of await directories(this.root)) {
      if (first === 'tmp') continue;
      for (const second of await directories(join(this.root, first))) {
        const directory = join(this.root, first, second);
        for (const name of await readdir(directory).catch(() => [])) {
          if (!isSha256(name)) continue;
          const stored = await modifiedAt(join(directory, name));
          if (stored) yield { sha256: name, storedAt: stored };
        }
      }
    }
  }

  /**
   * The blob is first renamed out of its place (atomic), so from that instant no `put` can renew it
   * any more: a `put` of the same content now finds nothing and writes its own copy. Only then is its
   * time read again: a `put` that renewed it between the sweep's first look and the rename shows here,
   * and the blob goes back. Readers of a referenced blob never meet this, since only unreferenced
   * blobs are swept. A crash between the rename and the end leaves a `.swept` file that a later
   * `tidyTemporaryFiles` puts back, to be judged again.
   */
  async removeUnlessStoredSince(sha256: string, cutoff: Date): Promise<boolean> {
    if (!isSha256(sha256)) return false;
    const target = this.pathOf(sha256);
    await mkdir(this.tmp, { recursive: true });
    const swept = join(this.tmp, `${sha256}.${randomUUID()}${SWEPT}`);
    try {
      await rename(target, swept);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    const stored = await modifiedAt(swept);
    if (stored && stored.getTime() >= cutoff.getTime()) {
      await this.putBack(swept, target);
      return false;
    }
    await rm(swept, { force: true });
    return true;
  }

  async tidyTemporaryFiles(cutoff: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.tmp).catch(() => [])) {
      const path = join(this.tmp, name);
      const sha256 = name.slice(0, 64);
      const info = await stat(path).catch(() => null);
      if (!info) continue;
      // A sweep holds its `.swept` file for milliseconds (the rename sets its ctime); one set aside
      // before the cutoff was left by a crash, maybe of a blob stored again meanwhile: put it back,
      // to be judged afresh.
      if (name.endsWith(SWEPT) && isSha256(sha256)) {
        if (info.ctime.getTime() < cutoff.getTime()) await this.putBack(path, this.pathOf(sha256));
        continue;
      }
      // Every upload writes as its bytes arrive; one silent since the cutoff has ended without cleaning up.
      if (name.endsWith(PART) && info.mtime.getTime() < cutoff.getTime()) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /** Back into place; a copy stored there meanwhile has the same bytes, so either may win. */
  private async putBack(swept: string, target: string): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(swept, target);
    } catch (error) {
      // Another sweep put it back first.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await syncDirectory(dirname(target));
  }

  private pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

const PART = '.part';
const SWEPT = '.swept';

/** Sets the file's time to now; false when there is no such file. */
async function renewed(path: string): Promise<boolean> {
  const now = new Date();
  try {
    await utimes(path, now, now);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function modifiedAt(path: string): Promise<Date | null> {
  try {
    return (await stat(path)).mtime;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function directories(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
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
