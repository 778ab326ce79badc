import { randomUUID } from 'node:crypto';
import type { Database, SqlSession } from '../../db/types.js';
import { pgErrorCode } from '../../db/types.js';
import { eventDigest } from '../chain.js';
import { catchUpSubscription } from '../catch-up.js';
import { StreamDeletedError, StreamNotFoundError, WrongExpectedRevisionError } from '../errors.js';
import type {
  AppendNumbering,
  AppendOptions,
  AppendResult,
  InlineWriter,
  EventStore,
  ExpectedRevision,
  KeyedEvent,
  JsonObject,
  LogFilter,
  LogPosition,
  NewEvent,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamAppendOutcome,
  StreamInfo,
  SubscribeOptions,
  SubscriptionItem,
} from '../types.js';
import { checkStreamAppends, comparePositions, LOG_START, numbered, streamCategory } from '../types.js';
import { AppendAnnouncer } from './append-announcer.js';
import { AppendSignal } from './append-signal.js';

const APPEND_CHANNEL = 'es_appended';
const PG_DEADLOCK = '40P01';
const PG_SERIALIZATION = '40001';
/** Attempts of an append whose inline writes lost a deadlock. */
const INLINE_ATTEMPTS = 4;

interface InsertedRow {
  txid: string;
  seq: string;
  revision: string;
  recorded_at: Date;
  /** Asked only by appends that write read models inline. */
  written?: string[] | string | null;
}

interface EventRow {
  txid: string;
  seq: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  data: JsonObject | null;
  metadata: JsonObject | null;
  recorded_at: Date;
  hash: Buffer | Uint8Array | null;
  matches?: boolean;
}

// ORDER BY names the table's columns: an unqualified `txid` would sort by the text alias in the
// select list, and '1000' sorts before '999'.

/**
 * Event store on PostgreSQL (a server through pg, or PGlite in-process).
 *
 * Appends take the stream row as a compare-and-set on its revision, then insert the events in one
 * statement; both in one transaction. Global reads follow (txid, seq) below the oldest running
 * transaction: see the migration for why that order, not seq alone, is gap-safe.
 */
export class PostgresEventStore implements EventStore {
  readonly name: string;
  private readonly signal: AppendSignal;
  private readonly announcer: AppendAnnouncer | null;
  private inline: InlineWriter | null = null;
  /**
   * The last read of the log that reached its end: where, how many append notifications had come
   * before it began, and whether no transaction was open then (nothing held back).
   */
  private endRead: { readonly cursor: LogPosition; readonly notifiedBefore: number; readonly quiet: boolean } | null = null;

  constructor(private readonly db: Database) {
    this.name = db.kind === 'pglite' ? 'postgres (PGlite)' : 'postgres';
    // Each store names itself in what it announces and ignores its own echo: its appends have
    // already woken its followers (poke), and a reader that reached the end must not take its own
    // process's announcement for news.
    const announcerId = randomUUID();
    this.signal = new AppendSignal((onNotify) =>
      db.listen(APPEND_CHANNEL, (payload) => {
        if (payload !== announcerId) onNotify();
      }),
    );
    // PGlite lives in this one process, where poking the local signal reaches every follower.
    this.announcer = db.kind === 'pglite' ? null : new AppendAnnouncer(async () => {
      await db.pool.query(`SELECT pg_notify('${APPEND_CHANNEL}', $1)`, [announcerId]);
    });
  }

  readonly sharesTransactions = true;

  writeInline(writer: InlineWriter | null): void {
    this.inline = writer;
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    let result: AppendResult;
    if (this.inline || options.numbering) {
      const append: NumberedAppend = { streamId, events, expected, ...(options.opened ? { opened: options.opened } : {}), ...(options.numbering ? { numbering: options.numbering } : {}) };
      const [outcome] = await this.appendWritingInline(this.inline, [append], false);
      if (!outcome?.ok) throw new Error(`the append to ${streamId} came back without an outcome`);
      result = outcome.result;
    } else {
      result = (await this.append(streamId, events, expected)).result;
    }
    this.signal.poke();
    this.announcer?.announce();
    return result;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    checkStreamAppends(appends);
    if (appends.length === 0) return [];
    // One transaction: one commit (one flush) for the lot, and on PGlite no follower query in between.
    const outcomes = this.inline
      ? await this.appendWritingInline(this.inline, appends, true)
      : await this.db.transaction(async (session) => {
          const done: StreamAppendOutcome[] = [];
          for (const { streamId, events, expected } of appends) {
            try {
              done.push({ ok: true, result: (await this.append(streamId, events, expected, session)).result });
            } catch (error) {
              if (!isRefusal(error)) throw error;
              done.push({ ok: false, error });
            }
          }
          return done;
        });
    if (outcomes.some((outcome) => outcome.ok)) {
      this.signal.poke();
      this.announcer?.announce();
    }
    return outcomes;
  }

  /**
   * The appends and the read models written inline, in one transaction: what a command's answer
   * and its client's next read see is committed with the events, or nothing is. Two appends
   * writing the same read-model rows in opposite order can deadlock; PostgreSQL then aborts one,
   * which appended nothing, and it is tried again.
   */
  private async appendWritingInline(writer: InlineWriter | null, appends: readonly NumberedAppend[], refusalsAllowed: boolean): Promise<StreamAppendOutcome[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.db.sharedTransaction(async (session, trx) => {
          const outcomes: StreamAppendOutcome[] = [];
          const recorded: RecordedEvent[] = [];
          let writtenInline: readonly string[] = [];
          for (const append of appends) {
            try {
              const { result, inserted, written } = await this.append(append.streamId, append.events, append.expected, session, append.numbering, writer !== null);
              if (inserted?.[0]?.written !== undefined) writtenInline = parseTextArray(inserted[0].written);
              outcomes.push({ ok: true, result });
              if (inserted && writer) {
                // The read models get the opened copies, numbered as the stored events are.
                const opened = append.opened && append.numbering && result.number ? numbered(append.opened, append.numbering, result.number) : append.opened;
                recorded.push(...recordedFrom({ ...append, events: written.events, ...(opened ? { opened } : {}) }, inserted));
              }
            } catch (error) {
              if (!refusalsAllowed || !isRefusal(error)) throw error;
              outcomes.push({ ok: false, error });
            }
          }
          if (writer && recorded.length > 0) await writer(trx, recorded.sort((a, b) => comparePositions(a.position, b.position)), writtenInline);
          return outcomes;
        });
      } catch (error) {
        const code = pgErrorCode(error);
        if ((code === PG_DEADLOCK || code === PG_SERIALIZATION) && attempt < INLINE_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /**
   * One statement, so one round trip in autocommit: the CTE moves the stream head only if it
   * matches the expectation, and the events are inserted only if it moved. Nothing inserted means
   * refused; the refusal is then explained (or recognised as a repeat) with read-only queries.
   * The batch's chain links are computed once (MATERIALIZED): inlined, the planner would call
   * `es_chain` again for every inserted row, which made 100-event appends nine times slower.
   * `inserted` is null for a repeat of an append already made. With `numbering` (only inside a
   * transaction) the counter is taken first, so the chain links cover the number; an append that
   * inserts nothing gives it back while it still holds the counter's row. `askInline` asks, in the
   * same statement, which read models the append must write (InlineWriter): one round trip less.
   */
  private async append(
    streamId: string,
    given: readonly NewEvent[],
    expected: ExpectedRevision,
    session: SqlSession = this.db.pool,
    numbering?: NumberedAppend['numbering'],
    askInline = false,
  ): Promise<{ readonly result: AppendResult; readonly inserted: InsertedRow[] | null; readonly written: { readonly events: readonly NewEvent[]; readonly opened?: readonly NewEvent[] } }> {
    const pool = session;
    if (expected === 'any') {
      const repeat = await findRepeat(pool, streamId, given, null);
      if (repeat) return { result: repeat, inserted: null, written: { events: given } };
    }
    const number = numbering ? numbering.format(await takeNumber(pool, numbering.counter)) : null;
    const events = numbering && number ? numbered(given, numbering, number) : given;
    const claim = claimHead(expected);
    const digests = events.map(eventDigest);
    const inserted = await pool.query<InsertedRow>(
      `WITH head AS (${claim.sql}),
       chain AS MATERIALIZED (SELECT head.revision, es_chain(head.prev_head_hash, $5::text[]) AS links FROM head)${askInline ? ', inline AS MATERIALIZED (SELECT projections_written_inline() AS written)' : ''}
       INSERT INTO es_events (stream_id, revision, event_id, event_type, category, data, metadata, hash)
       SELECT $1, chain.revision - $3::bigint + e.ord, (e.value->>'id')::uuid, e.value->>'type', $2, e.value->'data', e.value->'metadata', chain.links[e.ord]
       FROM chain, jsonb_array_elements($4::text::jsonb) WITH ORDINALITY AS e(value, ord)
       RETURNING txid::text AS txid, seq::text AS seq, revision::text AS revision, recorded_at${askInline ? ', (SELECT written FROM inline) AS written' : ''}`,
      [streamId, streamCategory(streamId), events.length, JSON.stringify(events), digests, ...claim.values],
    );
    if (inserted.rows.length > 0) {
      const head = Math.max(...inserted.rows.map((row) => Number(row.revision)));
      return { result: { nextExpectedRevision: head, position: lastPosition(inserted.rows), ...(number ? { number } : {}) }, inserted: inserted.rows, written: { events } };
    }
    if (numbering) await giveNumberBack(pool, numbering.counter);
    const repeat = await findRepeat(pool, streamId, given, firstRevisionExpected(expected));
    if (repeat) return { result: repeat, inserted: null, written: { events: given } };
    throw await explainRefusal(pool, streamId, expected);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const limit = options.maxCount ?? 1_000_000;
    const result = await this.db.pool.query<EventRow>(
      `SELECT e.txid::text AS txid, e.seq::text AS seq, e.stream_id, e.revision::text AS revision,
              e.event_id::text AS event_id, e.event_type, e.data, e.metadata, e.recorded_at, e.hash
       FROM es_events e JOIN es_streams s ON s.stream_id = e.stream_id
       WHERE e.stream_id = $1 AND ($2::boolean OR s.deleted_at IS NULL)
         AND e.revision ${backwards ? '<=' : '>='} $3
       ORDER BY e.revision ${backwards ? 'DESC' : 'ASC'}
       LIMIT $4`,
      [streamId, options.includeDeleted === true, from, limit],
    );
    return result.rows.map(toRecordedEvent);
  }

  async streamInfo(streamId: string): Promise<StreamInfo | null> {
    const result = await this.db.pool.query<{ revision: string; deleted: boolean }>(
      'SELECT revision::text AS revision, deleted_at IS NOT NULL AS deleted FROM es_streams WHERE stream_id = $1',
      [streamId],
    );
    const row = result.rows[0];
    return row ? { revision: Number(row.revision), deleted: row.deleted } : null;
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const after = options.after ?? LOG_START;
    const filter = filterSql(options.filter, 4);
    if (options.within) {
      // Within a transaction that holds appends off, every committed event is final: none is held back.
      const result = await options.within.query<EventRow>(
        `SELECT ${pageColumns(filter.sql)} FROM es_events
          WHERE (txid, seq) > ($1::bigint, $2::bigint)
          ORDER BY es_events.txid, es_events.seq
          LIMIT $3`,
        [after.commit.toString(), after.prepare.toString(), options.maxCount, ...filter.values],
      );
      return pageOf(result.rows, after, options.maxCount);
    }
    const notifiedBefore = this.signal.notifications;
    // One row at least, carrying whether any transaction was open when the snapshot was taken: with
    // none, nothing committed can be held back behind one, and the page's end is the log's.
    const result = await this.db.pool.query<EventRow & { quiet: boolean }>(
      `SELECT h.quiet, e.*
         FROM (SELECT pg_snapshot_xmin(s.snap)::text::bigint AS xmin, pg_snapshot_xmin(s.snap) = pg_snapshot_xmax(s.snap) AS quiet
                 FROM (SELECT pg_current_snapshot() AS snap) AS s) AS h
         LEFT JOIN LATERAL (
           SELECT ${pageColumns(filter.sql)} FROM es_events
            WHERE (txid, seq) > ($1::bigint, $2::bigint) AND txid < h.xmin
            ORDER BY es_events.txid, es_events.seq
            LIMIT $3) AS e ON true`,
      [after.commit.toString(), after.prepare.toString(), options.maxCount, ...filter.values],
    );
    const rows = result.rows.filter((row) => row.txid !== null);
    const page = pageOf(rows, after, options.maxCount);
    if (page.isEnd) this.endRead = { cursor: page.cursor, notifiedBefore, quiet: result.rows[0]?.quiet === true };
    return page;
  }

  subscribe(options: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    return catchUpSubscription(this, options);
  }

  async headPosition(): Promise<LogPosition> {
    const result = await this.db.pool.query<{ txid: string; seq: string }>(
      `SELECT txid::text AS txid, seq::text AS seq FROM es_events
       WHERE txid < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
       ORDER BY es_events.txid DESC, es_events.seq DESC LIMIT 1`,
    );
    const row = result.rows[0];
    return row ? positionOf(row) : LOG_START;
  }

  async committedHeadPosition(): Promise<LogPosition> {
    const result = await this.db.pool.query<{ txid: string; seq: string }>(
      'SELECT txid::text AS txid, seq::text AS seq FROM es_events ORDER BY es_events.txid DESC, es_events.seq DESC LIMIT 1',
    );
    const row = result.rows[0];
    return row ? positionOf(row) : LOG_START;
  }

  async findByIdempotencyKey(key: string): Promise<KeyedEvent[]> {
    // A plain read, not the followers' one below the oldest open transaction: what matters is
    // whether the append committed, not whether followers may see it yet. The expression matches
    // the partial index es_events_idempotency_key.
    const result = await this.db.pool.query<{ txid: string; seq: string; stream_id: string; revision: string; event_type: string; fingerprint: string | null }>(
      `SELECT txid::text AS txid, seq::text AS seq, stream_id, revision::text AS revision, event_type, metadata->>'requestFingerprint' AS fingerprint
       FROM es_events WHERE metadata->>'idempotencyKey' = $1
       ORDER BY es_events.txid, es_events.seq`,
      [key],
    );
    return result.rows.map((row) => ({ streamId: row.stream_id, revision: Number(row.revision), type: row.event_type, position: positionOf(row), requestFingerprint: row.fingerprint }));
  }

  async softDeleteStream(streamId: string, expected: ExpectedRevision): Promise<void> {
    await this.db.transaction(async (tx) => {
      const info = await readStreamRow(tx, streamId, true);
      if (!info) {
        if (expected === 'any' || expected === 'no_stream') return;
        throw new WrongExpectedRevisionError(streamId, expected, 'no_stream');
      }
      if (info.deleted) throw new StreamDeletedError(streamId);
      if (expected === 'no_stream' || (typeof expected === 'number' && expected !== info.revision)) {
        throw new WrongExpectedRevisionError(streamId, expected, info.revision);
      }
      await tx.query('UPDATE es_streams SET deleted_at = now(), updated_at = now() WHERE stream_id = $1', [streamId]);
    });
  }

  async undeleteStream(streamId: string): Promise<void> {
    const result = await this.db.pool.query(
      'UPDATE es_streams SET deleted_at = NULL, updated_at = now() WHERE stream_id = $1',
      [streamId],
    );
    if (result.rowCount === 0) throw new StreamNotFoundError(streamId);
  }

  async waitForAppend(after: LogPosition, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    // A follower that has just read to the end of a quiet log, with no append told of since, needs
    // no look at the head before it waits: anything committed later is told of after its commit.
    const end = this.endRead;
    const knownQuiet = end !== null && end.quiet && comparePositions(end.cursor, after) === 0 ? end.notifiedBefore : null;
    return this.signal.waitUntil(async () => comparePositions(await this.headPosition(), after) > 0, timeoutMs, signal, knownQuiet);
  }

  async close(): Promise<void> {
    await this.announcer?.close();
    await this.signal.close();
  }
}

/**
 * The statement that moves the stream's head by $3 events if it matches the expectation, returning
 * the new head and the chain link before the batch, and setting the new head link (assignments in
 * one SET all read the old row). Parameters: $1 stream id, $2 category, $3 count, $5 the events'
 * digests, $6 expected revision.
 */
function claimHead(expected: ExpectedRevision): { sql: string; values: unknown[] } {
  const chainOnto = (head: string) => `prev_head_hash = ${head}, head_hash = (es_chain(${head}, $5::text[]))[$3::int]`;
  const insertNew = `INSERT INTO es_streams (stream_id, category, revision, prev_head_hash, head_hash)
              VALUES ($1, $2, $3::bigint - 1, NULL, (es_chain(NULL, $5::text[]))[$3::int])`;
  switch (expected) {
    case 'no_stream':
      return { sql: `${insertNew} ON CONFLICT (stream_id) DO NOTHING RETURNING revision, prev_head_hash`, values: [] };
    case 'any':
      return {
        sql: `${insertNew}
              ON CONFLICT (stream_id) DO UPDATE SET revision = es_streams.revision + $3::bigint, updated_at = now(), ${chainOnto('es_streams.head_hash')}
                WHERE es_streams.deleted_at IS NULL
              RETURNING revision, prev_head_hash`,
        values: [],
      };
    case 'stream_exists':
      return {
        sql: `UPDATE es_streams SET revision = revision + $3::bigint, updated_at = now(), ${chainOnto('head_hash')}
              WHERE stream_id = $1 AND category = $2 AND deleted_at IS NULL RETURNING revision, prev_head_hash`,
        values: [],
      };
    default:
      return {
        sql: `UPDATE es_streams SET revision = $6::bigint + $3::bigint, updated_at = now(), ${chainOnto('head_hash')}
              WHERE stream_id = $1 AND category = $2 AND revision = $6::bigint AND deleted_at IS NULL RETURNING revision, prev_head_hash`,
        values: [expected],
      };
  }
}

/** An append of a batch, with the numbering only appendToStream offers. */
interface NumberedAppend extends StreamAppend {
  readonly numbering?: AppendNumbering;
}

async function takeNumber(session: SqlSession, counter: string): Promise<number> {
  const { rows } = await session.query<{ value: string }>(
    'INSERT INTO es_counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = es_counters.value + 1 RETURNING value::text AS value',
    [counter],
  );
  return Number(rows[0]!.value);
}

async function giveNumberBack(session: SqlSession, counter: string): Promise<void> {
  await session.query('UPDATE es_counters SET value = value - 1 WHERE name = $1', [counter]);
}

function isRefusal(error: unknown): error is WrongExpectedRevisionError | StreamDeletedError {
  return error instanceof WrongExpectedRevisionError || error instanceof StreamDeletedError;
}

/** The events of an append as they were recorded, in the form read models see (`opened` when given). */
function recordedFrom(append: StreamAppend, rows: readonly InsertedRow[]): RecordedEvent[] {
  const given = append.opened ?? append.events;
  const first = Math.min(...rows.map((row) => Number(row.revision)));
  return rows.map((row) => {
    const event = given[Number(row.revision) - first];
    if (!event) throw new Error(`no event for revision ${row.revision} of ${append.streamId}`);
    return {
      id: event.id.toLowerCase(),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      streamId: append.streamId,
      revision: Number(row.revision),
      position: positionOf(row),
      recordedAt: row.recorded_at,
    };
  });
}

function firstRevisionExpected(expected: ExpectedRevision): number | null {
  if (expected === 'no_stream') return 0;
  if (typeof expected === 'number') return expected + 1;
  return null;
}

/**
 * EventStoreDB's idempotence: the same event ids, already written where this append would have put
 * them (or anywhere in the stream, for `any`), make the append a successful no-op.
 */
async function findRepeat(
  session: SqlSession,
  streamId: string,
  events: readonly NewEvent[],
  firstRevision: number | null,
): Promise<AppendResult | null> {
  const found = await session.query<{ event_id: string; revision: string; txid: string; seq: string }>(
    `SELECT event_id::text AS event_id, revision::text AS revision, txid::text AS txid, seq::text AS seq
     FROM es_events WHERE stream_id = $1 AND event_id = ANY($2::uuid[]) ORDER BY es_events.revision`,
    [streamId, events.map((event) => event.id)],
  );
  if (found.rows.length === 0) return null;
  const start = firstRevision ?? Number(found.rows[0]!.revision);
  const inPlace =
    found.rows.length === events.length &&
    events.every((event, index) => {
      const row = found.rows[index];
      return row !== undefined && row.event_id === event.id.toLowerCase() && Number(row.revision) === start + index;
    });
  if (!inPlace) return null;
  const last = found.rows.at(-1)!;
  return { nextExpectedRevision: Number(last.revision), position: positionOf(last) };
}

async function explainRefusal(session: SqlSession, streamId: string, expected: ExpectedRevision): Promise<Error> {
  const info = await readStreamRow(session, streamId, false);
  if (info?.deleted) return new StreamDeletedError(streamId);
  return new WrongExpectedRevisionError(streamId, expected, info ? info.revision : 'no_stream');
}

async function readStreamRow(session: SqlSession, streamId: string, forUpdate: boolean): Promise<StreamInfo | null> {
  const result = await session.query<{ revision: string; deleted: boolean }>(
    `SELECT revision::text AS revision, deleted_at IS NOT NULL AS deleted FROM es_streams WHERE stream_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [streamId],
  );
  const row = result.rows[0];
  return row ? { revision: Number(row.revision), deleted: row.deleted } : null;
}

function filterSql(filter: LogFilter | undefined, firstParameter: number): { sql: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  if (filter?.categories && filter.categories.length > 0) {
    values.push(filter.categories);
    clauses.push(`category = ANY($${firstParameter + values.length - 1}::text[])`);
  }
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    values.push(filter.eventTypes);
    clauses.push(`event_type = ANY($${firstParameter + values.length - 1}::text[])`);
  }
  return { sql: clauses.length === 0 ? 'true' : `(${clauses.join(' AND ')})`, values };
}

function positionOf(row: { txid: string; seq: string }): LogPosition {
  return { commit: BigInt(row.txid), prepare: BigInt(row.seq) };
}

function lastPosition(rows: ReadonlyArray<{ txid: string; seq: string }>): LogPosition {
  let last = positionOf(rows[0]!);
  for (const row of rows) {
    const position = positionOf(row);
    if (comparePositions(position, last) > 0) last = position;
  }
  return last;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data ?? {},
    metadata: row.metadata ?? {},
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: positionOf(row),
    recordedAt: row.recorded_at,
    ...(row.hash ? { hash: Buffer.from(row.hash).toString('hex') } : {}),
  };
}

/** pg parses text[] into an array; a driver without the type parser hands over the literal. */
function parseTextArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((item) => item.replace(/^"|"$/g, ''));
}

function pageColumns(matches: string): string {
  return `txid::text AS txid, seq::text AS seq, stream_id, revision::text AS revision, event_id::text AS event_id,
          event_type, recorded_at, hash, ${matches} AS matches,
          CASE WHEN ${matches} THEN data END AS data,
          CASE WHEN ${matches} THEN metadata END AS metadata`;
}

function pageOf(rows: readonly EventRow[], after: LogPosition, maxCount: number): ReadAllPage {
  const last = rows.at(-1);
  return {
    events: rows.filter((row) => row.matches === true).map(toRecordedEvent),
    cursor: last ? positionOf(last) : after,
    isEnd: rows.length < maxCount,
  };
}
