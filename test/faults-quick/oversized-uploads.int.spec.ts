import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

/**
 * Issue 10, fault 8: many uploads past ATTACHMENT_MAX_BYTES at once, streamed without a
 * Content-Length so that the limit is found while reading. Each is 413; no byte of any stays in
 * the blob directory; the process does not hold the bodies in memory.
 */

const PARALLEL = 50;
const LIMIT_BYTES = 1_048_576;
const UPLOAD_BYTES = 4 * LIMIT_BYTES;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

const test = suite<{ api?: RunningApi; tenant?: TenantFixture }>('faults: 50 parallel uploads over the size limit', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { ATTACHMENT_MAX_BYTES: String(LIMIT_BYTES), RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  context.tenant = await setUpTenant(context.api.baseUrl, 'Uploads');
});
test.after(async (context) => {
  await context.api?.close();
});

/** A multipart body of `size` bytes of file, produced chunk by chunk: no Content-Length, no buffer of it all. */
function oversizedForm(size: number): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `----fault-${Math.random().toString(16).slice(2)}`;
  let sent = 0;
  let phase: 'head' | 'file' | 'tail' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      switch (phase) {
        case 'head':
          controller.enqueue(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.txt"\r\nContent-Type: text/plain\r\n\r\n`));
          phase = 'file';
          return;
        case 'file': {
          const length = Math.min(CHUNK.length, size - sent);
          controller.enqueue(CHUNK.subarray(0, length));
          sent += length;
          if (sent >= size) phase = 'tail';
          return;
        }
        case 'tail':
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          phase = 'done';
          return;
        case 'done':
          controller.close();
          return;
      }
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(api: RunningApi, token: string, ticketId: string): Promise<{ status: number; type: string | undefined }> {
  const { body, contentType } = oversizedForm(UPLOAD_BYTES);
  const response = await fetch(`${api.baseUrl}/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', headers: { ...bearer(token), 'Content-Type': contentType }, body, duplex: 'half' });
  const problem = (await response.json()) as { type?: string };
  return { status: response.status, type: problem.type };
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

test(`given a ${LIMIT_BYTES}-byte limit, when ${PARALLEL} uploads of ${UPLOAD_BYTES} bytes stream in at once, then all are 413, nothing is stored and memory stays bounded`, async ({ api, tenant }) => {
  const token = tenant!.sessions.technician.accessToken;
  const ticket = expectStatus(
    await call<{ id: string }>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title: 'Screenshots of the crash', impact: 'low', urgency: 'low' } }),
    201,
    'opening the ticket',
  ).body;
  const eventsBefore = (await api!.system.store.readStream(`ticket-${ticket.id}`)).length;

  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = Date.now();
  let results: Array<{ status: number; type: string | undefined }>;
  try {
    results = await Promise.all(Array.from({ length: PARALLEL }, () => upload(api!, token, ticket.id)));
  } finally {
    clearInterval(sampler);
  }
  const elapsedMs = Date.now() - started;
  const growthMiB = (peak - baseline) / 1_048_576;
  const sentMiB = (PARALLEL * UPLOAD_BYTES) / 1_048_576;
  console.log(`    ${PARALLEL} uploads (${sentMiB} MiB sent) answered in ${elapsedMs} ms; peak RSS growth ${growthMiB.toFixed(1)} MiB`);

  assert.equal(
    results.map((result) => result.status),
    Array.from({ length: PARALLEL }, () => 413),
  );
  assert.ok(results.every((result) => result.type === 'urn:itsm:problem:attachment-too-large'), JSON.stringify(results[0]));
  assert.equal(await filesUnder(api!.system.config.blobs.dir), [], 'nothing is left in the blob directory');
  assert.is((await api!.system.store.readStream(`ticket-${ticket.id}`)).length, eventsBefore, 'no attachment event');
  // Client and server share this process: holding the bodies would cost the whole of what was sent.
  assert.ok(growthMiB < sentMiB / 2, `RSS grew ${growthMiB.toFixed(1)} MiB for ${sentMiB} MiB sent`);
});

test.run();
