import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, login, setUpTenant } from '../support/identity-fixtures.js';

/** Small enough that a test can cross it cheaply; the PNG and text files stay well under it. */
const MAX_BYTES = 4_096;

interface Attachment {
  id: string;
  ticketId: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
}

interface World {
  api: RunningApi;
  a: TenantFixture;
  b: TenantFixture;
  /** A second requester of tenant A (the fixture's subject), signed in. */
  bobToken: string;
}

/** A valid 1×1 RGBA PNG: signature, IHDR, IDAT and IEND chunks with their CRCs. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 0xff, 0x80, 0x00, 0xff]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function form(bytes: Buffer, filename: string, options: { type?: string; field?: string } = {}): FormData {
  const body = new FormData();
  body.append(options.field ?? 'file', new Blob([bytes], { type: options.type ?? 'application/octet-stream' }), filename);
  return body;
}

async function raise(world: World, token: string): Promise<string> {
  const created = expectStatus(
    await call<{ id: string }>(world.api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title: 'Scanner jams', impact: 'low', urgency: 'low' } }),
    201,
    'raising a ticket',
  );
  return created.body.id;
}

const upload = (world: World, token: string, ticketId: string, body: FormData | string | Buffer, headers: Record<string, string> = {}): Promise<JsonResponse<Attachment & { status: number; type: string; detail: string }>> =>
  call(world.api.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', headers: { ...bearer(token), ...headers }, body });

async function download(world: World, token: string, attachmentId: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${world.api.baseUrl}/api/v1/attachments/${attachmentId}/content`, { headers: bearer(token) });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function eventTypes(world: World, ticketId: string): Promise<string[]> {
  return (await world.api.system.store.readStream(`ticket-${ticketId}`)).map((event) => event.type);
}

/** Every stored blob (temp files aside), by its name: the sha256. */
async function storedBlobs(world: World): Promise<string[]> {
  const root = world.api.system.config.blobs.dir;
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && !entry.parentPath.startsWith(join(root, 'tmp'))).map((entry) => entry.name);
}

async function tempFiles(world: World): Promise<string[]> {
  return readdir(join(world.api.system.config.blobs.dir, 'tmp')).catch(() => []);
}

const test = suite<{ world?: World }>('ticket attachments over HTTP', {});

test.before(async (context) => {
  const api = await startApi({ environment: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES), RATE_LIMIT_PER_MINUTE: '100000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  const [a, b] = await Promise.all([setUpTenant(api.baseUrl, 'Files A'), setUpTenant(api.baseUrl, 'Files B')]);
  const bob = await login(api.baseUrl, a.slug, a.subject.email, a.subject.password);
  context.world = { api, a, b, bobToken: bob.accessToken };
});
test.after(async (context) => {
  await context.world?.api.close();
});

test('detects a PNG from its bytes, whatever its name and declared type say', async ({ world }) => {
  const w = world!;
  const alice = w.a.sessions.user;
  const ticketId = await raise(w, alice.accessToken);
  const png = tinyPng();
  const uploaded = await upload(w, alice.accessToken, ticketId, form(png, 'evil.exe', { type: 'application/x-msdownload' }));
  assert.is(uploaded.status, 201, JSON.stringify(uploaded.body));
  assert.equal(
    { ...uploaded.body, id: undefined, createdAt: undefined },
    { id: undefined, ticketId, filename: 'evil.exe', mediaType: 'image/png', size: png.length, sha256: sha256Of(png), uploadedBy: alice.id, createdAt: undefined },
  );
  assert.is(uploaded.headers.get('location'), `/api/v1/attachments/${uploaded.body.id}`);
  assert.ok((await eventTypes(w, ticketId)).includes('TicketAttachmentAdded'));

  const metadata = await call<Attachment>(w.api.baseUrl, `/api/v1/attachments/${uploaded.body.id}`, { headers: bearer(alice.accessToken) });
  assert.equal([metadata.status, metadata.body], [200, uploaded.body]);
  const detail = await call<{ attachments: Attachment[] }>(w.api.baseUrl, `/api/v1/tickets/${ticketId}`, { headers: bearer(alice.accessToken) });
  assert.equal(detail.body.attachments, [uploaded.body]);
  const list = await call<{ data: Attachment[] }>(w.api.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { headers: bearer(w.a.sessions.technician.accessToken) });
  assert.equal(list.body.data, [uploaded.body]);
});

test('serves the bytes as a download no browser renders or sniffs', async ({ world }) => {
  const w = world!;
  const alice = w.a.sessions.user;
  const ticketId = await raise(w, alice.accessToken);
  const png = tinyPng();
  const { body } = await upload(w, alice.accessToken, ticketId, form(png, 'evil.exe'));
  const got = await download(w, alice.accessToken, body.id);
  assert.is(got.status, 200);
  assert.ok(got.bytes.equals(png), 'the same bytes');
  assert.is(got.headers.get('content-type'), 'image/png');
  assert.is(got.headers.get('content-length'), String(png.length));
  assert.is(got.headers.get('x-content-type-options'), 'nosniff');
  assert.is(got.headers.get('cache-control'), 'private, no-store');
  assert.is(got.headers.get('etag'), `"${sha256Of(png)}"`);
  assert.match(got.headers.get('content-disposition') ?? '', /^attachment;/);
  assert.ok(got.headers.get('content-disposition')?.includes("filename*=UTF-8''evil.exe"), got.headers.get('content-disposition') ?? '');
});

test('takes UTF-8 text as text/plain and signature-less binary as application/octet-stream', async ({ world }) => {
  const w = world!;
  const tech = w.a.sessions.technician;
  const ticketId = await raise(w, w.a.sessions.user.accessToken);
  const text = Buffer.from('Grüße aus dem Druckerraum: Fach 2 klemmt.\n', 'utf8');
  const asText = await upload(w, tech.accessToken, ticketId, form(text, "Grüße (Drucker) 'Fach 2'.html", { type: 'text/html' }));
  assert.equal([asText.status, asText.body.mediaType, asText.body.filename], [201, 'text/plain', "Grüße (Drucker) 'Fach 2'.html"]);
  const got = await download(w, tech.accessToken, asText.body.id);
  assert.is(got.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.is(got.bytes.toString('utf8'), text.toString('utf8'));
  assert.is(got.headers.get('content-disposition'), `attachment; filename="Gr__e (Drucker) 'Fach 2'.html"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%28Drucker%29%20%27Fach%202%27.html`);

  const binary = Buffer.concat([Buffer.from([0x00, 0x01, 0x02, 0xfe]), randomBytes(500)]);
  const asBinary = await upload(w, tech.accessToken, ticketId, form(binary, 'notes.txt', { type: 'text/plain' }));
  assert.equal([asBinary.status, asBinary.body.mediaType], [201, 'application/octet-stream']);
});

test('refuses a file over ATTACHMENT_MAX_BYTES with 413, appending nothing and keeping no bytes', async ({ world }) => {
  const w = world!;
  const alice = w.a.sessions.user;
  const ticketId = await raise(w, alice.accessToken);
  const before = { events: await eventTypes(w, ticketId), blobs: await storedBlobs(w) };

  // Just past the limit: found out while streaming the file to the store.
  const justOver = randomBytes(MAX_BYTES + 1);
  // Far past it, with a Content-Length that says so: refused before reading.
  const farOver = randomBytes(200 * 1024);
  for (const bytes of [justOver, farOver]) {
    const refused = await upload(w, alice.accessToken, ticketId, form(bytes, 'big.bin'));
    assert.is(refused.status, 413, JSON.stringify(refused.body));
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.is(refused.body.status, 413);
  }
  // Chunked, so no length is declared: measured as it streams in.
  const boundary = 'itsm-test-boundary';
  const parts = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="stream.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`), randomBytes(300 * 1024), Buffer.from(`\r\n--${boundary}--\r\n`)];
  const chunked = await fetch(`${w.api.baseUrl}/api/v1/tickets/${ticketId}/attachments`, {
    method: 'POST',
    headers: { ...bearer(alice.accessToken), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) for (let at = 0; at < part.length; at += 16 * 1024) controller.enqueue(part.subarray(at, at + 16 * 1024));
        controller.close();
      },
    }),
    duplex: 'half',
  });
  assert.is(chunked.status, 413, await chunked.text());

  assert.equal(await eventTypes(w, ticketId), before.events, 'nothing appended');
  assert.equal((await storedBlobs(w)).sort(), before.blobs.sort(), 'no blob kept');
  assert.equal(await tempFiles(w), [], 'no temp file left');
  for (const bytes of [justOver, farOver]) assert.not.ok(await w.api.system.blobs.has(sha256Of(bytes)));

  // Exactly the limit is fine.
  const atLimit = await upload(w, alice.accessToken, ticketId, form(randomBytes(MAX_BYTES), 'limit.bin'));
  assert.is(atLimit.status, 201, JSON.stringify(atLimit.body));
});

test('answers 415 to anything but multipart/form-data, and 400 to a form without its one file', async ({ world }) => {
  const w = world!;
  const alice = w.a.sessions.user;
  const ticketId = await raise(w, alice.accessToken);
  const opening = await eventTypes(w, ticketId);
  const json = await call(w.api.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', headers: bearer(alice.accessToken), json: { file: 'aGVsbG8=' } });
  assert.is(json.status, 415, JSON.stringify(json.body));
  assert.match(json.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const raw = await upload(w, alice.accessToken, ticketId, tinyPng(), { 'Content-Type': 'image/png' });
  assert.is(raw.status, 415);

  const fieldOnly = new FormData();
  fieldOnly.append('note', 'no file here');
  const wrongField = form(Buffer.from('hello'), 'hello.txt', { field: 'upload' });
  const twoFiles = form(Buffer.from('one'), 'one.txt');
  twoFiles.append('file', new Blob([Buffer.from('two')]), 'two.txt');
  for (const [label, body] of [['a field and no file', fieldOnly], ['the file in another field', wrongField], ['two files', twoFiles], ['an empty form', new FormData()]] as const) {
    const refused = await upload(w, alice.accessToken, ticketId, body);
    assert.is(refused.status, 400, `${label}: ${JSON.stringify(refused.body)}`);
  }
  const empty = await upload(w, alice.accessToken, ticketId, form(Buffer.alloc(0), 'empty.txt'));
  assert.is(empty.status, 400, JSON.stringify(empty.body));
  assert.equal(await eventTypes(w, ticketId), opening, 'no refused upload appended anything');
});

test('stores the same content once, however often it is attached', async ({ world }) => {
  const w = world!;
  const bytes = Buffer.from(`the same log excerpt ${randomBytes(8).toString('hex')}\n`);
  const before = await storedBlobs(w);
  const first = await upload(w, w.a.sessions.user.accessToken, await raise(w, w.a.sessions.user.accessToken), form(bytes, 'log.txt'));
  const second = await upload(w, w.bobToken, await raise(w, w.bobToken), form(bytes, 'same-log.txt'));
  assert.equal([first.status, second.status], [201, 201]);
  assert.is.not(first.body.id, second.body.id);
  assert.is(first.body.sha256, second.body.sha256);
  const after = await storedBlobs(w);
  assert.is(after.length, before.length + 1);
  assert.is(after.filter((name) => name === sha256Of(bytes)).length, 1);
});

test("a requester reaches only their own tickets' attachments, and no other tenant reaches any", async ({ world }) => {
  const w = world!;
  const alice = w.a.sessions.user;
  const ticketId = await raise(w, alice.accessToken);
  const { body } = await upload(w, alice.accessToken, ticketId, form(tinyPng(), 'mine.png'));
  const outsiders = [w.bobToken, w.b.sessions.admin.accessToken];
  for (const token of outsiders) {
    assert.is((await call(w.api.baseUrl, `/api/v1/attachments/${body.id}`, { headers: bearer(token) })).status, 404);
    assert.is((await download(w, token, body.id)).status, 404);
    assert.is((await call(w.api.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { headers: bearer(token) })).status, 404);
    assert.is((await upload(w, token, ticketId, form(Buffer.from('sneaky'), 'sneaky.txt'))).status, 404);
  }
  for (const role of ['admin', 'manager', 'technician'] as const) assert.is((await download(w, w.a.sessions[role].accessToken, body.id)).status, 200, role);
  assert.is((await download(w, alice.accessToken, body.id)).status, 200);
  assert.is((await call(w.api.baseUrl, '/api/v1/attachments/not-a-uuid', { headers: bearer(alice.accessToken) })).status, 404);
  assert.is((await call(w.api.baseUrl, `/api/v1/attachments/${body.id}`)).status, 401);
});

test("a deleted ticket's attachments go with it", async ({ world }) => {
  const w = world!;
  const manager = w.a.sessions.manager;
  const ticketId = await raise(w, w.a.sessions.user.accessToken);
  const { body } = await upload(w, manager.accessToken, ticketId, form(Buffer.from('evidence'), 'evidence.txt'));
  expectStatus(await call(w.api.baseUrl, `/api/v1/tickets/${ticketId}`, { method: 'DELETE', headers: bearer(manager.accessToken) }), 204, 'deleting the ticket');
  assert.is((await call(w.api.baseUrl, `/api/v1/attachments/${body.id}`, { headers: bearer(manager.accessToken) })).status, 404);
  assert.is((await upload(w, manager.accessToken, ticketId, form(Buffer.from('more'), 'more.txt'))).status, 404);
});

test.run();
