import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { StreamDeletedError, WrongExpectedRevisionError } from '../../src/eventstore/errors.js';
import type { EventStore, LogPosition, RecordedEvent } from '../../src/eventstore/types.js';
import { comparePositions, LOG_START } from '../../src/eventstore/types.js';
import { verifyStream } from '../../src/audit/chain-verifier.js';
import { caught, newEvent, streamName } from '../support/events.js';

export interface StoreUnderTest {
  readonly store: EventStore;
  close(): Promise<void>;
}

/** The one suite every event store adapter must pass. */
export function eventStoreContract(label: string, open: () => Promise<StoreUnderTest>): void {
  const test = suite<{ sut?: StoreUnderTest }>(`event store contract: ${label}`, {});
  const store = (context: { sut?: StoreUnderTest }): EventStore => context.sut!.store;

  test.before(async (context) => {
    context.sut = await open();
  });
  test.after(async (context) => {
    await context.sut?.close();
  });

  test('appends to a new stream with no_stream and reads it back in order', async (context) => {
    const stream = streamName();
    const events = [newEvent('Opened', { n: 1 }), newEvent('Noted', { n: 2 }), newEvent('Closed', { n: 3 })];
    const result = await store(context).appendToStream(stream, events, 'no_stream');
    assert.is(result.nextExpectedRevision, 2);
    const read = await store(context).readStream(stream);
    assert.equal(read.map((e) => [e.id, e.type, e.revision, e.data]), events.map((e, i) => [e.id, e.type, i, e.data]));
    assert.equal(read.at(-1)?.position, result.position);
    assert.equal(await store(context).streamInfo(stream), { revision: 2, deleted: false });
  });

  test('keeps metadata as written', async (context) => {
    const stream = streamName();
    const metadata = { tenantId: 't1', actorId: 'u1', correlationId: 'c1', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z' };
    await store(context).appendToStream(stream, [newEvent('Opened', { title: 'printer "jam"' }, metadata)], 'no_stream');
    const [event] = await store(context).readStream(stream);
    assert.equal(event?.metadata, metadata);
    assert.equal(event?.data, { title: 'printer "jam"' });
  });

  test('refuses no_stream on an existing stream, reports the actual revision and appends nothing', async (context) => {
    const stream = streamName();
    await store(context).appendToStream(stream, [newEvent('A'), newEvent('B')], 'no_stream');
    const error = await caught(() => store(context).appendToStream(stream, [newEvent('C')], 'no_stream'));
    assert.instance(error, WrongExpectedRevisionError);
    assert.is((error as WrongExpectedRevisionError).actual, 1);
    assert.is((await store(context).readStream(stream)).length, 2);
  });

  test('appends at the exact expected revision and refuses a stale one', async (context) => {
    const stream = streamName();
    await store(context).appendToStream(stream, [newEvent('A')], 'no_stream');
    const ok = await store(context).appendToStream(stream, [newEvent('B'), newEvent('C')], 0);
    assert.is(ok.nextExpectedRevision, 2);
    const error = await caught(() => store(context).appendToStream(stream, [newEvent('D')], 0));
    assert.instance(error, WrongExpectedRevisionError);
    assert.is((error as WrongExpectedRevisionError).actual, 2);
    assert.equal((await store(context).readStream(stream)).map((e) => e.type), ['A', 'B', 'C']);
  });

  test('refuses an exact revision on a stream that does not exist', async (context) => {
    const stream = streamName();
    const error = await caught(() => store(context).appendToStream(stream, [newEvent('A')], 3));
    assert.instance(error, WrongExpectedRevisionError);
    assert.is((error as WrongExpectedRevisionError).actual, 'no_stream');
    assert.is(await store(context).streamInfo(stream), null);
  });

  test('stream_exists appends only to a stream that exists', async (context) => {
    const stream = streamName();
    const error = await caught(() => store(context).appendToStream(stream, [newEvent('A')], 'stream_exists'));
    assert.instance(error, WrongExpectedRevisionError);
    assert.is((error as WrongExpectedRevisionError).actual, 'no_stream');
    await store(context).appendToStream(stream, [newEvent('A')], 'no_stream');
    const ok = await store(context).appendToStream(stream, [newEvent('B')], 'stream_exists');
    assert.is(ok.nextExpectedRevision, 1);
  });

  test('any appends whatever the stream looks like', async (context) => {
    const stream = streamName();
    assert.is((await store(context).appendToStream(stream, [newEvent('A')], 'any')).nextExpectedRevision, 0);
    assert.is((await store(context).appendToStream(stream, [newEvent('B'), newEvent('C')], 'any')).nextExpectedRevision, 2);
  });

  test('repeating an append with the same event ids and expectation succeeds and writes nothing', async (context) => {
    const stream = streamName();
    const first = [newEvent('A'), newEvent('B')];
    const original = await store(context).appendToStream(stream, first, 'no_stream');
    const again = await store(context).appendToStream(stream, first, 'no_stream');
    assert.equal(again, original);
    const second = [newEvent('C')];
    const next = await store(context).appendToStream(stream, second, 1);
    assert.equal(await store(context).appendToStream(stream, second, 1), next);
    const third = [newEvent('D')];
    const viaAny = await store(context).appendToStream(stream, third, 'any');
    assert.equal(await store(context).appendToStream(stream, third, 'any'), viaAny);
    assert.equal((await store(context).readStream(stream)).map((e) => e.type), ['A', 'B', 'C', 'D']);
  });

  test('recognises a repeated append deep into a long stream', async (context) => {
    const stream = streamName();
    await store(context).appendToStream(stream, Array.from({ length: 12 }, (_, i) => newEvent(`E${i}`)), 'no_stream');
    const tail = [newEvent('T1'), newEvent('T2')];
    const first = await store(context).appendToStream(stream, tail, 11);
    assert.equal(await store(context).appendToStream(stream, tail, 11), first);
    assert.is((await store(context).readStream(stream)).length, 14);
  });

  test('appends to many streams in one call, each on its own expectation, outcomes in order', async (context) => {
    const [fresh, existing, stale, deleted] = [streamName(), streamName(), streamName(), streamName()];
    await store(context).appendToStream(existing, [newEvent('A')], 'no_stream');
    await store(context).appendToStream(stale, [newEvent('A'), newEvent('B')], 'no_stream');
    await store(context).appendToStream(deleted, [newEvent('A')], 'no_stream');
    await store(context).softDeleteStream(deleted, 0);
    const outcomes = await store(context).appendToStreams([
      { streamId: fresh, events: [newEvent('X'), newEvent('Y')], expected: 'no_stream' },
      { streamId: stale, events: [newEvent('Z')], expected: 0 },
      { streamId: existing, events: [newEvent('B')], expected: 0 },
      { streamId: deleted, events: [newEvent('B')], expected: 0 },
    ]);
    assert.equal(outcomes.map((outcome) => (outcome.ok ? outcome.result.nextExpectedRevision : outcome.error.name)), [1, 'WrongExpectedRevisionError', 1, 'StreamDeletedError']);
    const refused = outcomes[1]!;
    assert.ok(!refused.ok && refused.error instanceof WrongExpectedRevisionError && refused.error.actual === 1);
    assert.equal((await store(context).readStream(fresh)).map((e) => e.type), ['X', 'Y']);
    assert.equal((await store(context).readStream(stale)).map((e) => e.type), ['A', 'B']);
    assert.equal((await store(context).readStream(existing)).map((e) => e.type), ['A', 'B']);
    assertAscending(outcomes.flatMap((outcome) => (outcome.ok ? [outcome.result.position] : [])));
    assert.equal(await store(context).appendToStreams([]), []);
  });

  test('a batch that names a stream twice or carries an empty append is refused whole', async (context) => {
    const stream = streamName();
    assert.instance(await caught(() => store(context).appendToStreams([{ streamId: stream, events: [newEvent('A')], expected: 'any' }, { streamId: stream, events: [newEvent('B')], expected: 'any' }])), RangeError);
    assert.instance(await caught(() => store(context).appendToStreams([{ streamId: stream, events: [newEvent('A')], expected: 'any' }, { streamId: streamName(), events: [], expected: 'any' }])), RangeError);
    assert.is(await store(context).streamInfo(stream), null);
  });

  test('reads a stream forwards or backwards from a revision, bounded by maxCount', async (context) => {
    const stream = streamName();
    await store(context).appendToStream(stream, ['A', 'B', 'C', 'D', 'E'].map((type) => newEvent(type)), 'no_stream');
    const types = (events: RecordedEvent[]) => events.map((e) => e.type);
    assert.equal(types(await store(context).readStream(stream, { fromRevision: 2 })), ['C', 'D', 'E']);
    assert.equal(types(await store(context).readStream(stream, { fromRevision: 1, maxCount: 2 })), ['B', 'C']);
    assert.equal(types(await store(context).readStream(stream, { direction: 'backwards' })), ['E', 'D', 'C', 'B', 'A']);
    assert.equal(types(await store(context).readStream(stream, { direction: 'backwards', fromRevision: 3, maxCount: 2 })), ['D', 'C']);
    assert.equal(await store(context).readStream(streamName()), []);
  });

  test('reads the global log after a position, in position order', async (context) => {
    const before = await store(context).headPosition();
    const a = streamName();
    const b = streamName();
    await store(context).appendToStream(a, [newEvent('A1'), newEvent('A2')], 'no_stream');
    await store(context).appendToStream(b, [newEvent('B1')], 'no_stream');
    await store(context).appendToStream(a, [newEvent('A3')], 1);
    const page = await store(context).readAll({ after: before, maxCount: 100 });
    const mine = page.events.filter((e) => e.streamId === a || e.streamId === b);
    assert.equal(mine.map((e) => e.type), ['A1', 'A2', 'B1', 'A3']);
    assertAscending(page.events.map((e) => e.position));
    assert.ok(page.isEnd);
    const rest = await store(context).readAll({ after: page.events[1]!.position, maxCount: 100 });
    assert.equal(rest.events.filter((e) => e.streamId === a || e.streamId === b).map((e) => e.type), ['B1', 'A3']);
    assert.equal(await store(context).headPosition(), page.events.at(-1)!.position);
    assert.equal(await store(context).committedHeadPosition(), page.events.at(-1)!.position, 'nothing held back: the committed head is the visible head');
  });

  test('pages through the global log with a cursor', async (context) => {
    const start = await store(context).headPosition();
    const stream = streamName();
    await store(context).appendToStream(stream, Array.from({ length: 7 }, (_, i) => newEvent(`E${i}`)), 'no_stream');
    const seen: string[] = [];
    let cursor: LogPosition = start;
    for (;;) {
      const page = await store(context).readAll({ after: cursor, maxCount: 3 });
      seen.push(...page.events.map((e) => e.type));
      cursor = page.cursor;
      if (page.isEnd) break;
    }
    assert.equal(seen, ['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
  });

  test('filters the global log by stream category and by event type', async (context) => {
    const start = await store(context).headPosition();
    const category = `cat${Date.now().toString(36)}`;
    const mine = streamName(category);
    await store(context).appendToStream(streamName('other'), [newEvent('Noise')], 'no_stream');
    await store(context).appendToStream(mine, [newEvent('Wanted'), newEvent('Unwanted')], 'no_stream');
    await store(context).appendToStream(streamName('other'), [newEvent('Wanted')], 'no_stream');
    const byCategory = await store(context).readAll({ after: start, maxCount: 100, filter: { categories: [category] } });
    assert.equal(byCategory.events.map((e) => e.type), ['Wanted', 'Unwanted']);
    const byType = await store(context).readAll({ after: start, maxCount: 100, filter: { eventTypes: ['Wanted'] } });
    assert.equal(byType.events.map((e) => e.streamId.split('-')[0]), [category, 'other']);
    const both = await store(context).readAll({ after: start, maxCount: 100, filter: { categories: [category], eventTypes: ['Wanted'] } });
    assert.equal(both.events.map((e) => e.streamId), [mine]);
  });

  test('subscribes from a position: catches up, says so once, then delivers live appends in order', async (context) => {
    const start = await store(context).headPosition();
    const stream = streamName();
    await store(context).appendToStream(stream, [newEvent('Old1'), newEvent('Old2')], 'no_stream');
    const controller = new AbortController();
    const received: string[] = [];
    let caughtUpAfter = -1;
    const done = (async () => {
      for await (const item of store(context).subscribe({ after: start, signal: controller.signal, filter: { categories: ['test'] } })) {
        if (item.kind === 'caught_up') {
          assert.is(caughtUpAfter, -1, 'caught_up comes once');
          caughtUpAfter = received.length;
          await store(context).appendToStream(stream, [newEvent('Live1')], 1);
          await store(context).appendToStream(stream, [newEvent('Live2')], 2);
          continue;
        }
        if (item.event.streamId !== stream) continue;
        received.push(item.event.type);
        if (received.length === 4) controller.abort();
      }
    })();
    await withTimeout(done, 10_000, 'subscription did not deliver the live events');
    assert.equal(received, ['Old1', 'Old2', 'Live1', 'Live2']);
    assert.is(caughtUpAfter, 2);
  });

  test('waitForAppend wakes on an append and times out when nothing comes', async (context) => {
    const head = await store(context).headPosition();
    assert.is(await store(context).waitForAppend(head, 50), false);
    const waiting = store(context).waitForAppend(head, 10_000);
    await store(context).appendToStream(streamName(), [newEvent('Wake')], 'no_stream');
    assert.is(await waiting, true);
  });

  test('soft delete hides a stream from normal reads but keeps its events in the log; undelete restores it', async (context) => {
    const start = await store(context).headPosition();
    const stream = streamName();
    await store(context).appendToStream(stream, [newEvent('A'), newEvent('B')], 'no_stream');
    await store(context).softDeleteStream(stream, 1);
    assert.equal(await store(context).readStream(stream), []);
    assert.equal(await store(context).streamInfo(stream), { revision: 1, deleted: true });
    assert.equal((await store(context).readStream(stream, { includeDeleted: true })).map((e) => e.type), ['A', 'B']);
    const log = await store(context).readAll({ after: start, maxCount: 100 });
    assert.equal(log.events.filter((e) => e.streamId === stream).map((e) => e.type), ['A', 'B']);
    assert.instance(await caught(() => store(context).appendToStream(stream, [newEvent('C')], 1)), StreamDeletedError);
    await store(context).undeleteStream(stream);
    assert.equal((await store(context).readStream(stream)).map((e) => e.type), ['A', 'B']);
    assert.is((await store(context).appendToStream(stream, [newEvent('C')], 1)).nextExpectedRevision, 2);
  });

  test('soft delete with a stale expected revision changes nothing', async (context) => {
    const stream = streamName();
    await store(context).appendToStream(stream, [newEvent('A'), newEvent('B')], 'no_stream');
    assert.instance(await caught(() => store(context).softDeleteStream(stream, 0)), WrongExpectedRevisionError);
    assert.is((await store(context).readStream(stream)).length, 2);
  });

  test('every event carries its link in the stream\'s hash chain, whatever the expectation or batch', async (context) => {
    const stream = streamName();
    await store(context).appendToStream(stream, [newEvent('A', { n: 1 }, { tenantId: 't1' })], 'no_stream');
    await store(context).appendToStream(stream, [newEvent('B', { nested: { b: 2, a: [1, 'x'] } }), newEvent('C')], 0);
    await store(context).appendToStream(stream, [newEvent('D')], 'stream_exists');
    await store(context).appendToStream(stream, [newEvent('E'), newEvent('F'), newEvent('G')], 'any');
    const events = await store(context).readStream(stream);
    assert.ok(events.every((event) => typeof event.hash === 'string' && /^[0-9a-f]{64}$/.test(event.hash)), 'every event has a hex SHA-256 link');
    const verification = await verifyStream(store(context), stream);
    assert.equal([verification.intact, verification.events, verification.firstBreak], [true, 7, null]);
    assert.is(verification.headHash, events.at(-1)!.hash);
    // The chain link is the store's, never part of what the caller reads as metadata.
    assert.equal(events[0]!.metadata, { tenantId: 't1' });
  });

  test('concurrent appends with `any` chain in the order they landed', async (context) => {
    const stream = streamName();
    await Promise.all(Array.from({ length: 12 }, (_, i) => store(context).appendToStream(stream, [newEvent('Racing', { i }), newEvent('Racing', { i, second: true })], 'any')));
    const verification = await verifyStream(store(context), stream);
    assert.equal([verification.intact, verification.events], [true, 24]);
  });

  test('a repeated append leaves the chain as it was', async (context) => {
    const stream = streamName();
    const batch = [newEvent('A'), newEvent('B')];
    await store(context).appendToStream(stream, batch, 'any');
    const before = (await store(context).readStream(stream)).map((event) => event.hash);
    await store(context).appendToStream(stream, batch, 'any');
    await store(context).appendToStream(stream, [newEvent('C')], 1);
    const after = await store(context).readStream(stream);
    assert.equal(after.slice(0, 2).map((event) => event.hash), before);
    assert.is((await verifyStream(store(context), stream)).intact, true);
  });

  test.run();
}

function assertAscending(positions: LogPosition[]): void {
  for (let i = 1; i < positions.length; i += 1) {
    assert.is(comparePositions(positions[i - 1]!, positions[i]!), -1, `position ${i} follows position ${i - 1}`);
  }
  if (positions[0]) assert.is(comparePositions(LOG_START, positions[0]), -1);
}

export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
