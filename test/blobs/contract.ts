import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { BlobStore } from '../../src/blobs/index.js';
import { BlobNotFoundError, BlobTooLargeError } from '../../src/blobs/index.js';
import { caught } from '../support/events.js';

export interface BlobStoreUnderTest {
  readonly store: BlobStore;
  close(): Promise<void>;
}

export type OpenBlobStore = () => Promise<BlobStoreUnderTest>;

const MiB = 1_048_576;
const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Splits the bytes into small chunks, as a network upload arrives. */
export function chunked(bytes: Buffer, size = 1_000): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })(),
    { objectMode: false },
  );
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The suite every blob store adapter must pass. */
export function blobStoreContract(label: string, open: OpenBlobStore): void {
  const test = suite<{ sut?: BlobStoreUnderTest }>(`blob store on ${label}`, {});
  test.before.each(async (context) => {
    context.sut = await open();
  });
  test.after.each(async (context) => {
    await context.sut?.close();
  });

  test('stores content under its sha256 and gives the same bytes back', async ({ sut }) => {
    const bytes = randomBytes(50_000);
    const stored = await sut!.store.put(chunked(bytes), MiB);
    assert.equal(stored, { sha256: sha256Of(bytes), size: bytes.length });
    assert.ok(await sut!.store.has(stored.sha256));
    assert.ok((await readAll(sut!.store.open(stored.sha256))).equals(bytes));
  });

  test('answers the same address for the same content, however often it is sent', async ({ sut }) => {
    const bytes = Buffer.from('the same words twice');
    const [first, second] = await Promise.all([sut!.store.put(chunked(bytes, 3), MiB), sut!.store.put(chunked(bytes, 7), MiB)]);
    const third = await sut!.store.put(chunked(bytes), MiB);
    assert.equal([second, third], [first, first]);
    assert.ok((await readAll(sut!.store.open(first.sha256))).equals(bytes));
  });

  test('takes content of exactly the limit', async ({ sut }) => {
    const bytes = randomBytes(4_096);
    assert.is((await sut!.store.put(chunked(bytes), 4_096)).size, 4_096);
  });

  test('refuses content past the limit, keeps nothing, and stops reading the source', async ({ sut }) => {
    const bytes = randomBytes(4_097);
    const error = await caught(() => sut!.store.put(chunked(bytes), 4_096));
    assert.instance(error, BlobTooLargeError);
    assert.not.ok(await sut!.store.has(sha256Of(bytes)));
    // A source without end: only stopping at the limit lets put answer at all.
    let produced = 0;
    const endless = Readable.from(
      (function* () {
        for (;;) {
          produced += 1;
          yield Buffer.alloc(1_024, 7);
        }
      })(),
      { objectMode: false },
    );
    assert.instance(await caught(() => sut!.store.put(endless, 64 * 1_024)), BlobTooLargeError);
    assert.ok(produced < 1_000, `read ${produced} KiB of an endless source`);
  });

  test('keeps nothing when the source fails part-way', async ({ sut }) => {
    const bytes = randomBytes(10_000);
    const failing = Readable.from(
      (function* () {
        yield bytes.subarray(0, 5_000);
        throw new Error('connection reset');
      })(),
      { objectMode: false },
    );
    const error = await caught(() => sut!.store.put(failing, MiB));
    assert.match((error as Error).message, /connection reset/);
    assert.not.ok(await sut!.store.has(sha256Of(bytes.subarray(0, 5_000))));
  });

  test('stores empty content', async ({ sut }) => {
    const stored = await sut!.store.put(Readable.from([], { objectMode: false }), MiB);
    assert.equal(stored, { sha256: sha256Of(Buffer.alloc(0)), size: 0 });
    assert.is((await readAll(sut!.store.open(stored.sha256))).length, 0);
  });

  test('lists every stored blob with the time it was last stored', async ({ sut }) => {
    const before = Date.now();
    const stored = await Promise.all([randomBytes(100), randomBytes(200)].map((bytes) => sut!.store.put(chunked(bytes), MiB)));
    const listed = [];
    for await (const entry of sut!.store.list()) listed.push(entry);
    assert.equal(listed.map((entry) => entry.sha256).sort(), stored.map((blob) => blob.sha256).sort());
    // File systems may round times down to the second.
    assert.ok(listed.every((entry) => entry.storedAt.getTime() >= before - 1_000 && entry.storedAt.getTime() <= Date.now() + 1_000));
  });

  test('removes a blob stored before the cutoff, and only once', async ({ sut }) => {
    const { sha256 } = await sut!.store.put(chunked(randomBytes(500)), MiB);
    const later = new Date(Date.now() + 60_000);
    assert.ok(await sut!.store.removeUnlessStoredSince(sha256, later));
    assert.not.ok(await sut!.store.has(sha256));
    assert.not.ok(await sut!.store.removeUnlessStoredSince(sha256, later));
    assert.not.ok(await sut!.store.removeUnlessStoredSince('../outside', later), 'a name that is no digest removes nothing');
  });

  test('storing the same content again renews it: a removal with an earlier cutoff keeps it', async ({ sut }) => {
    const bytes = randomBytes(700);
    const { sha256 } = await sut!.store.put(chunked(bytes), MiB);
    // Past any rounding of file times: the second store is clearly later than the cutoff.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const cutoff = new Date(Date.now() - 50);
    await sut!.store.put(chunked(bytes), MiB);
    assert.not.ok(await sut!.store.removeUnlessStoredSince(sha256, cutoff));
    assert.ok((await readAll(sut!.store.open(sha256))).equals(bytes));
  });

  test('knows nothing of content it was never given, nor of names that are not digests', async ({ sut }) => {
    const unknown = sha256Of(randomBytes(32));
    assert.not.ok(await sut!.store.has(unknown));
    assert.instance(await caught(() => readAll(sut!.store.open(unknown))), BlobNotFoundError);
    for (const name of ['../../etc/passwd', 'AB'.repeat(32), '', `${unknown}/..`]) {
      assert.not.ok(await sut!.store.has(name), name);
      assert.instance(await caught(() => readAll(sut!.store.open(name))), BlobNotFoundError, name);
    }
  });

  test.run();
}
