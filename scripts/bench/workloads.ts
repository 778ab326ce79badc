import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../src/db/types.js';
import type { EventStore, ExpectedRevision, LogPosition, NewEvent } from '../../src/eventstore/types.js';
import { LOG_START } from '../../src/eventstore/types.js';
import { baselinePayload, runAtRate, runConcurrent, ticketEvent } from './load.js';
import { percentile, perSecond } from './stats.js';

/** Enough streams per writer that appends are not all to one hot row, few enough to reuse each one. */
const STREAMS_PER_WRITER = 5;
const PAGE_SIZE = 1000;
/** How long the lag subscriber may still trail after the last append before we call events missing. */
const LAG_DRAIN_MS = 10_000;

export const BASELINE_TABLE = 'bench_rows';

export async function createBaselineTable(db: Database): Promise<void> {
  await db.pool.query(`CREATE TABLE ${BASELINE_TABLE} (id bigserial PRIMARY KEY, payload jsonb NOT NULL)`);
}

/**
 * Each writer owns a few streams and remembers their revisions, the way a command handler knows the
 * revision it folded: every append states an exact expectation, so the compare-and-set path is the
 * one measured, and a lost update would surface as a WrongExpectedRevisionError instead of passing.
 */
class WriterStreams {
  private readonly ids: string[];
  private readonly revisions: (number | null)[];
  private turn = 0;

  constructor() {
    this.ids = Array.from({ length: STREAMS_PER_WRITER }, () => `ticket-${randomUUID()}`);
    this.revisions = this.ids.map(() => null);
  }

  async append(store: EventStore, events: readonly NewEvent[]): Promise<void> {
    const slot = this.turn;
    this.turn = (this.turn + 1) % this.ids.length;
    const known = this.revisions[slot] ?? null;
    const expected: ExpectedRevision = known === null ? 'no_stream' : known;
    const result = await store.appendToStream(this.ids[slot]!, events, expected);
    this.revisions[slot] = result.nextExpectedRevision;
  }
}

export interface RateResult {
  readonly rate: number;
  readonly count: number;
}

/** Events per second for `totalEvents` events appended `batch` at a time by `writers` writers. */
export async function appendRate(store: EventStore, writers: number, totalEvents: number, batch: number): Promise<RateResult> {
  const transactions = Math.max(1, Math.floor(totalEvents / batch));
  const streams = Array.from({ length: writers }, () => new WriterStreams());
  const elapsed = await runConcurrent(writers, transactions, async (writer) => {
    const events = Array.from({ length: batch }, ticketEvent);
    await streams[writer]!.append(store, events);
  });
  return { rate: perSecond(transactions * batch, elapsed), count: transactions * batch };
}

/**
 * The baseline: the same rows, written as plainly as PostgreSQL allows. One row goes in autocommit
 * (one round trip); a batch goes in BEGIN / one multi-row INSERT / COMMIT through the same
 * transaction helper the store uses, so the comparison isolates what the store adds per commit.
 */
export async function insertRate(db: Database, writers: number, totalRows: number, batch: number): Promise<RateResult> {
  const transactions = Math.max(1, Math.floor(totalRows / batch));
  const values = Array.from({ length: batch }, (_, index) => `($${index + 1}::jsonb)`).join(', ');
  const sql = `INSERT INTO ${BASELINE_TABLE} (payload) VALUES ${values}`;
  const elapsed = await runConcurrent(writers, transactions, async () => {
    const payloads = Array.from({ length: batch }, baselinePayload);
    if (batch === 1) await db.pool.query(sql, payloads);
    else await db.transaction((tx) => tx.query(sql, payloads));
  });
  return { rate: perSecond(transactions * batch, elapsed), count: transactions * batch };
}

/** Reads the whole log the way a projection rebuild does: readAll pages from the start. */
export async function readAllRate(store: EventStore): Promise<RateResult> {
  let cursor: LogPosition = LOG_START;
  let count = 0;
  const started = performance.now();
  for (;;) {
    const page = await store.readAll({ after: cursor, maxCount: PAGE_SIZE });
    count += page.events.length;
    cursor = page.cursor;
    if (page.isEnd) break;
  }
  return { rate: perSecond(count, performance.now() - started), count };
}

/** The read baseline: keyset paging of the plain table by its primary key, same page size. */
export async function pageBaselineRate(db: Database): Promise<RateResult> {
  let after = '0';
  let count = 0;
  const started = performance.now();
  for (;;) {
    // id arrives as a string without a cast (int8 is parsed to text by the driver). Writing
    // `id::text AS id` instead would make ORDER BY id sort by the text alias, not the column.
    const page = await db.pool.query<{ id: string; payload: unknown }>(
      `SELECT id, payload FROM ${BASELINE_TABLE} WHERE id > $1::bigint ORDER BY id LIMIT $2`,
      [after, PAGE_SIZE],
    );
    count += page.rows.length;
    const last = page.rows.at(-1);
    if (last) after = last.id;
    if (page.rows.length < PAGE_SIZE) break;
  }
  return { rate: perSecond(count, performance.now() - started), count };
}

export interface LagResult {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly delivered: number;
  readonly missing: number;
}

/**
 * Delivery lag of a live subscription: a subscriber that has caught up follows the log while
 * `writers` append single events at `ratePerSecond` in total. Lag is measured per event from the
 * moment its append call resolved to the moment the subscription yielded it. Every event id is
 * known beforehand so that events the subscriber never delivers are counted, not silently ignored.
 */
export async function subscriptionLag(
  writerStore: EventStore,
  subscriberStore: EventStore,
  writers: number,
  total: number,
  ratePerSecond: number,
): Promise<LagResult> {
  const events = Array.from({ length: total }, ticketEvent);
  const ours = new Set(events.map((event) => event.id));
  const appendedAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  const controller = new AbortController();
  const after = await subscriberStore.headPosition();

  let signalCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (signalCaughtUp = resolve));
  let signalAllReceived: () => void = () => undefined;
  const allReceived = new Promise<void>((resolve) => (signalAllReceived = resolve));

  const consuming = (async () => {
    for await (const item of subscriberStore.subscribe({ after, signal: controller.signal })) {
      if (item.kind === 'caught_up') {
        signalCaughtUp();
        continue;
      }
      const now = performance.now();
      if (!ours.has(item.event.id)) continue;
      receivedAt.set(item.event.id, now);
      if (receivedAt.size === total) {
        signalAllReceived();
        return;
      }
    }
  })();
  // A subscriber that dies must fail the run, not leave it waiting on a promise nobody settles.
  const endedEarly = consuming.then(() => {
    throw new Error('subscription ended before catching up');
  });
  // Once caught up, this promise is expected to reject when the subscriber finishes normally.
  endedEarly.catch(() => undefined);
  await Promise.race([caughtUp, endedEarly]);

  // The drain timer is cancelled on the way out, or it would hold the process open for its full length.
  const drain = new AbortController();
  try {
    const streams = Array.from({ length: writers }, () => new WriterStreams());
    await runAtRate(writers, total, ratePerSecond, async (writer, index) => {
      const event = events[index]!;
      await streams[writer]!.append(writerStore, [event]);
      appendedAt.set(event.id, performance.now());
    });
    await Promise.race([allReceived, consuming, sleep(LAG_DRAIN_MS, undefined, { signal: drain.signal }).catch(() => undefined)]);
  } finally {
    drain.abort();
    controller.abort();
    await consuming;
  }

  // No clamping at zero: a subscriber may see an event before the writer has processed its COMMIT
  // reply, and hiding that would bias p50 upwards.
  const lags: number[] = [];
  for (const [id, received] of receivedAt) {
    const appended = appendedAt.get(id);
    if (appended !== undefined) lags.push(received - appended);
  }
  return {
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: percentile(lags, 100),
    delivered: receivedAt.size,
    missing: total - receivedAt.size,
  };
}
