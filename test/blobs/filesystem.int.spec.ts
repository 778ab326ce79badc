import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { FilesystemBlobStore } from '../../src/blobs/index.js';
import { caught } from '../support/events.js';
import { blobStoreContract, chunked } from './contract.js';

blobStoreContract('the filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'itsm-blob-contract-'));
  return { store: new FilesystemBlobStore(root), close: () => rm(root, { recursive: true, force: true }) };
});

/** Every file under `root`, as paths relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name))).sort();
}

const test = suite<{ root: string }>('filesystem blob store: on disk', { root: '' });
test.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'itsm-blob-fs-'));
});
test.after.each(async (context) => {
  await rm(context.root, { recursive: true, force: true });
});

test('lays a blob out as <aa>/<bb>/<sha256>, once however often it is stored', async ({ root }) => {
  const store = new FilesystemBlobStore(root);
  const bytes = randomBytes(20_000);
  const { sha256 } = await store.put(chunked(bytes), 1_048_576);
  await store.put(chunked(bytes), 1_048_576);
  await store.put(chunked(bytes, 333), 1_048_576);
  assert.equal(await filesUnder(root), [join(sha256.slice(0, 2), sha256.slice(2, 4), sha256)]);
  assert.is((await stat(join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256))).size, bytes.length);
});

test('leaves no temp file behind, whether the upload is taken, too large or broken', async ({ root }) => {
  const store = new FilesystemBlobStore(root);
  await store.put(chunked(Buffer.from('kept')), 100);
  await caught(() => store.put(chunked(randomBytes(200)), 100));
  await caught(() =>
    store.put(
      chunked(randomBytes(50)).map((chunk: Buffer) => {
        throw new Error(`broken after ${chunk.length} bytes`);
      }),
      100,
    ),
  );
  assert.equal(await readdir(join(root, 'tmp')), []);
  assert.is((await filesUnder(root)).length, 1);
});

test('tidying removes temp files of uploads silent since the cutoff and keeps those still arriving', async ({ root }) => {
  const store = new FilesystemBlobStore(root);
  await mkdir(join(root, 'tmp'), { recursive: true });
  const abandoned = join(root, 'tmp', 'crashed-upload.part');
  const arriving = join(root, 'tmp', 'arriving-upload.part');
  await writeFile(abandoned, 'half a file');
  await writeFile(arriving, 'still coming');
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  await utimes(abandoned, twoHoursAgo, twoHoursAgo);
  assert.is(await store.tidyTemporaryFiles(new Date(Date.now() - 3_600_000)), 1);
  assert.equal(await readdir(join(root, 'tmp')), ['arriving-upload.part']);
});

test('a blob a crashed sweep left aside goes back into place when the temp files are tidied', async ({ root }) => {
  const store = new FilesystemBlobStore(root);
  const bytes = randomBytes(300);
  const { sha256 } = await store.put(chunked(bytes), 1_048_576);
  // What removeUnlessStoredSince does first, as if the process died right after.
  await mkdir(join(root, 'tmp'), { recursive: true });
  const leftAside = join(root, 'tmp', `${sha256}.0b8e6bd4-4d4f-4a43-9a46-2b0d36a4c3f1.swept`);
  await rename(join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256), leftAside);
  assert.not.ok(await store.has(sha256));
  assert.is(await store.tidyTemporaryFiles(new Date(Date.now() - 60_000)), 0, 'set aside after the cutoff: a sweep may still be working on it');
  assert.not.ok(await store.has(sha256));
  await store.tidyTemporaryFiles(new Date(Date.now() + 60_000));
  assert.ok(await store.has(sha256));
  assert.equal(await readdir(join(root, 'tmp')), []);
});

test.run();
