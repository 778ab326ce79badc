import * as assert from 'uvu/assert';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';
import { suite } from '../support/suite.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
const keyed = (key: string, fingerprint: string) => ({ tenantId: 't', idempotencyKey: key, requestFingerprint: fingerprint });

const test = suite<{ database?: TestDatabase; store?: PostgresEventStore }>('postgres event store: events by idempotency key', {});

test.before(async (context) => {
  context.database = await createTestDatabase();
  context.store = new PostgresEventStore(context.database.db);
});
test.after(async ({ database, store }) => {
  await store?.close();
  await database?.drop();
});

test('finds every event appended under a key, in log order, in deleted streams too, and no other', async ({ store }) => {
  const first = streamName('ticket');
  const second = streamName('ticket');
  await store!.appendToStream(first, [newEvent('Other', {}, { tenantId: 't' })], 'no_stream');
  const one = await store!.appendToStream(first, [newEvent('A', {}, keyed('k1', 'f1')), newEvent('B', {}, keyed('k1', 'f1'))], 0);
  const two = await store!.appendToStream(second, [newEvent('C', {}, keyed('k1', 'f1'))], 'no_stream');
  await store!.appendToStream(second, [newEvent('D', {}, keyed('k2', 'f2'))], 0);
  await store!.softDeleteStream(first, 'any');

  const found = await store!.findByIdempotencyKey('k1');
  assert.equal(
    found.map(({ streamId, revision, type, requestFingerprint }) => ({ streamId, revision, type, requestFingerprint })),
    [
      { streamId: first, revision: 1, type: 'A', requestFingerprint: 'f1' },
      { streamId: first, revision: 2, type: 'B', requestFingerprint: 'f1' },
      { streamId: second, revision: 0, type: 'C', requestFingerprint: 'f1' },
    ],
  );
  assert.equal(found[1]!.position, one.position);
  assert.equal(found[2]!.position, two.position);
  assert.equal(await store!.findByIdempotencyKey('k3'), []);
});

test('the lookup reads the partial index, not the log', async ({ database }) => {
  const plan = await database!.db.transaction(async (session) => {
    // The test log is tiny: without this the planner would rightly prefer a scan.
    await session.query('SET LOCAL enable_seqscan = off');
    const result = await session.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) SELECT seq FROM es_events WHERE metadata->>'idempotencyKey' = $1 ORDER BY es_events.txid, es_events.seq`,
      ['k1'],
    );
    return result.rows[0]!['QUERY PLAN'][0]!.Plan;
  });
  assert.ok(nodesOf(plan).some((node) => node['Index Name'] === 'es_events_idempotency_key'), JSON.stringify(plan));
});

test.run();
