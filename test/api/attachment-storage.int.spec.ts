import { randomBytes } from 'node:crypto';
import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

const KiB = 1_024;
/** Small figures a test can fill: each tenant may keep 1 MiB of files, each file up to 512 KiB. */
const QUOTA = 1_024 * KiB;
const MAX_BYTES = 512 * KiB;
const HOUR = 3_600_000;

interface World {
  readonly api: RunningApi;
  readonly parallel: TenantFixture;
  readonly a: TenantFixture;
  readonly b: TenantFixture;
}

interface Answer {
  readonly id: string;
  readonly sha256: string;
  readonly type: string;
  readonly detail: string;
}

function form(bytes: Buffer): FormData {
  const body = new FormData();
  body.append('file', new Blob([bytes]), 'evidence.bin');
  return body;
}

async function raise(api: RunningApi, tenant: TenantFixture): Promise<string> {
  const created = await call<{ id: string }>(api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(tenant.sessions.user.accessToken), json: { type: 'incident', title: 'Disk full', impact: 'low', urgency: 'low' } });
  return expectStatus(created, 201, 'raising a ticket').body.id;
}

const upload = (api: RunningApi, tenant: TenantFixture, ticketId: string, bytes: Buffer): Promise<JsonResponse<Answer>> =>
  call<Answer>(api.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', headers: bearer(tenant.sessions.user.accessToken), body: form(bytes) });

/** Every blob file on disk (temp files aside), by name: its sha256. */
async function blobFiles(api: RunningApi): Promise<string[]> {
  const root = api.system.config.blobs.dir;
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && !entry.parentPath.startsWith(join(root, 'tmp'))).map((entry) => entry.name).sort();
}

const tempFiles = (api: RunningApi): Promise<string[]> => readdir(join(api.system.config.blobs.dir, 'tmp')).catch(() => []);

/** Sets every blob's stored time `ms` back, as if the files had been written that long ago. */
async function ageBlobs(api: RunningApi, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  for await (const entry of api.system.blobs.list()) {
    const path = join(api.system.config.blobs.dir, entry.sha256.slice(0, 2), entry.sha256.slice(2, 4), entry.sha256);
    await utimes(path, then, then);
  }
}

async function attachedDigests(api: RunningApi, tenant: TenantFixture, ticketId: string): Promise<string[]> {
  const listed = await call<{ data: Answer[] }>(api.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { headers: bearer(tenant.sessions.user.accessToken) });
  return [...new Set(expectStatus(listed, 200, 'listing attachments').body.data.map((attachment) => attachment.sha256))].sort();
}

async function sweep(api: RunningApi): Promise<{ removed: number }> {
  const result = await api.system.blobSweep.sweepOnce();
  if (!result.swept) throw new Error(`the sweep did not run: ${result.reason}`);
  return result;
}

const test = suite<{ world?: World }>('attachment storage: sweeping failed uploads, per-tenant quota', {});

test.before(async (context) => {
  const api = await startApi({
    environment: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES), ATTACHMENT_QUOTA_BYTES_PER_TENANT: String(QUOTA), RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_USER_PER_MINUTE: '100000', LOGIN_LIMIT_PER_ADDRESS: '100000' },
  });
  const [parallel, a, b] = await Promise.all([setUpTenant(api.baseUrl, 'Storage P'), setUpTenant(api.baseUrl, 'Storage A'), setUpTenant(api.baseUrl, 'Storage B')]);
  context.world = { api, parallel, a, b };
});
test.after(async (context) => {
  await context.world?.api.close();
});

test('after 40 parallel uploads and a refused one, the sweep leaves exactly the attached files on disk', async ({ world }) => {
  const { api, parallel } = world!;
  const ticketId = await raise(api, parallel);
  const answers = await Promise.all(Array.from({ length: 40 }, () => upload(api, parallel, ticketId, randomBytes(16 * KiB))));
  // An empty file is stored before the ticket refuses it: an orphan every run has.
  const empty = await upload(api, parallel, ticketId, Buffer.alloc(0));
  assert.is(empty.status, 400, JSON.stringify(empty.body));
  assert.ok(answers.every((answer) => [201, 202, 409].includes(answer.status)), JSON.stringify(answers.map((answer) => answer.status)));
  assert.ok(await api.system.projections.waitFor(await api.system.store.committedHeadPosition(), 30_000));
  const attached = await attachedDigests(api, parallel, ticketId);
  assert.ok((await blobFiles(api)).length > attached.length, 'failed uploads left their bytes behind');

  await ageBlobs(api, 2 * HOUR);
  const { removed } = await sweep(api);
  assert.equal(await blobFiles(api), attached);
  assert.ok(removed >= 1);
  assert.equal(await tempFiles(api), []);
  // Every attachment still downloads.
  const listed = await call<{ data: Answer[] }>(api.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { headers: bearer(parallel.sessions.user.accessToken) });
  for (const attachment of listed.body.data) {
    const content = await fetch(`${api.baseUrl}/api/v1/attachments/${attachment.id}/content`, { headers: bearer(parallel.sessions.user.accessToken) });
    assert.is(content.status, 200);
    await content.arrayBuffer();
  }
});

test('an unreferenced blob is kept through the grace period and removed after it', async ({ world }) => {
  const { api, parallel } = world!;
  const ticketId = await raise(api, parallel);
  const orphan = randomBytes(2 * KiB);
  const { sha256 } = await api.system.blobs.put(Readable.from([orphan]), MAX_BYTES);
  await sweep(api);
  assert.ok(await api.system.blobs.has(sha256), 'just stored: kept');
  await ageBlobs(api, HOUR - 60_000);
  await sweep(api);
  assert.ok(await api.system.blobs.has(sha256), 'a minute short of the grace: kept');
  await ageBlobs(api, HOUR + 60_000);
  await sweep(api);
  assert.not.ok(await api.system.blobs.has(sha256), 'past the grace: removed');
  assert.ok((await attachedDigests(api, parallel, ticketId)).length === 0);
});

test('an upload that stores bytes the sweep was about to remove renews them, and they are kept for its event', async ({ world }) => {
  const { api, parallel } = world!;
  const ticketId = await raise(api, parallel);
  const bytes = randomBytes(3 * KiB);
  // Left by a failed upload long ago.
  const { sha256 } = await api.system.blobs.put(Readable.from([bytes]), MAX_BYTES);
  await ageBlobs(api, 2 * HOUR);
  // An upload of the same content has stored it and not yet appended its event when the sweep runs.
  await api.system.blobs.put(Readable.from([bytes]), MAX_BYTES);
  await sweep(api);
  assert.ok(await api.system.blobs.has(sha256));
  const attached = await upload(api, parallel, ticketId, bytes);
  assert.is(attached.status, 201, JSON.stringify(attached.body));
  await ageBlobs(api, 2 * HOUR);
  await sweep(api);
  assert.ok(await api.system.blobs.has(sha256), 'referenced: kept however old');
});

test('an upload past the tenant quota is 413 and leaves no file; another tenant is not counted against it', async ({ world }) => {
  const { api, a, b } = world!;
  const ticketA = await raise(api, a);
  for (const size of [400 * KiB, 400 * KiB]) expectStatus(await upload(api, a, ticketA, randomBytes(size)), 201, 'filling tenant A');
  const before = await blobFiles(api);
  const tooMuch = await upload(api, a, ticketA, randomBytes(400 * KiB));
  assert.is(tooMuch.status, 413);
  assert.is(tooMuch.headers.get('content-type'), 'application/problem+json');
  assert.is(tooMuch.body.type, 'urn:itsm:problem:attachment-quota-exceeded');
  assert.match(tooMuch.body.detail, `${800 * KiB} of its ${QUOTA} bytes are used`);
  assert.equal(await blobFiles(api), before, 'nothing of the refused file is kept');
  assert.equal(await tempFiles(api), []);

  // What still fits is taken, to the byte; then even a small file is refused before it is read.
  expectStatus(await upload(api, a, ticketA, randomBytes(QUOTA - 800 * KiB)), 201, 'filling tenant A to the byte');
  const full = await upload(api, a, ticketA, randomBytes(10));
  assert.equal({ status: full.status, type: full.body.type }, { status: 413, type: 'urn:itsm:problem:attachment-quota-exceeded' });

  const ticketB = await raise(api, b);
  expectStatus(await upload(api, b, ticketB, randomBytes(400 * KiB)), 201, "tenant B's own room");
  // A file larger than the per-file limit still names that limit.
  const large = await upload(api, b, ticketB, randomBytes(MAX_BYTES + 1));
  assert.equal({ status: large.status, type: large.body.type }, { status: 413, type: 'urn:itsm:problem:attachment-too-large' });
});

test.run();
