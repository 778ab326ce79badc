import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { DeferredWrites } from '../../src/db/deferred-writes.js';
import type { JsonObject, LogPosition, RecordedEvent } from '../../src/eventstore/types.js';
import type { Projection } from '../../src/projections/types.js';
import type { TestDatabase } from './database.js';
import { createTestDatabase } from './database.js';

/**
 * "Given events, then rows" for one read model: a fresh database with only the projection's
 * tables, events recorded as the store hands them to `apply` (stream, revision, increasing log
 * position, the metadata command handlers write), applied as one page or one by one.
 */

/** A domain event as the deciders return it. */
export interface GivenEvent {
  readonly type: string;
  readonly data: object;
}

export interface RecordOptions {
  readonly tenantId: string;
  readonly actorId?: string | null;
  /** When the command ran (metadata.occurredAt); defaults to the event's recording time. */
  readonly occurredAt?: string;
  /** Revision of the first event; defaults to the next one of the stream in this log. */
  readonly fromRevision?: number;
}

/** Hands out recorded events with increasing positions and per-stream revisions. */
export class EventLog {
  private commit = 1000n;
  private readonly revisions = new Map<string, number>();
  private clock = new Date('2026-12-01T09:00:00.000Z').getTime();

  /** The events of one append (one transaction: they share `commit`). */
  record(streamId: string, events: readonly GivenEvent[], options: RecordOptions): RecordedEvent[] {
    this.commit += 1n;
    let revision = options.fromRevision ?? this.revisions.get(streamId) ?? 0;
    const recorded = events.map((event, index): RecordedEvent => {
      this.clock += 1000;
      const recordedAt = new Date(this.clock);
      const position: LogPosition = { commit: this.commit, prepare: BigInt(index + 1) };
      return {
        id: randomUUID(),
        type: event.type,
        data: event.data as JsonObject,
        metadata: {
          tenantId: options.tenantId,
          actorId: options.actorId ?? null,
          correlationId: randomUUID(),
          causationId: null,
          occurredAt: options.occurredAt ?? recordedAt.toISOString(),
        },
        streamId,
        revision: revision++,
        position,
        recordedAt,
      };
    });
    this.revisions.set(streamId, Math.max(revision, this.revisions.get(streamId) ?? 0));
    return recorded;
  }
}

export interface ProjectionSpec {
  readonly database: TestDatabase;
  readonly knex: Knex;
  /** All the events in one transaction, as a rebuild's page (or an inline append) applies them. */
  apply(events: readonly RecordedEvent[]): Promise<void>;
  /** Each event in a transaction of its own, as a follower that fetches one at a time does. */
  applyOneByOne(events: readonly RecordedEvent[]): Promise<void>;
  drop(): Promise<void>;
}

export async function projectionSpec(projection: Projection, options: { readonly also?: readonly Projection[] } = {}): Promise<ProjectionSpec> {
  const database = await createTestDatabase();
  const { knex } = database.db;
  try {
    for (const each of [...(options.also ?? []), projection]) await each.createTables(knex);
  } catch (error) {
    await database.drop();
    throw error;
  }
  const apply = (events: readonly RecordedEvent[]) => applyEvents(knex, projection, events);
  return {
    database,
    knex,
    apply,
    async applyOneByOne(events) {
      for (const event of events) await apply([event]);
    },
    drop: () => database.drop(),
  };
}

/** One transaction: the projection applies the events, then its deferred writes are sent. */
export async function applyEvents(knex: Knex, projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
  await knex.transaction(async (trx) => {
    const writes = new DeferredWrites();
    await projection.apply(trx, events, writes);
    await writes.run(trx);
  });
}

/**
 * The rows of `tables` after `events`, applied in one page and then one by one in a second fresh
 * database: what a spec compares for "rebuild = live".
 */
export async function rowsBothWays(
  projection: Projection,
  events: readonly RecordedEvent[],
  tables: ReadonlyArray<{ readonly table: string; readonly orderBy: readonly string[] }>,
  options: { readonly also?: readonly Projection[] } = {},
): Promise<{ readonly page: unknown[][]; readonly oneByOne: unknown[][] }> {
  const run = async (oneByOne: boolean) => {
    const spec = await projectionSpec(projection, options);
    try {
      if (oneByOne) await spec.applyOneByOne(events);
      else await spec.apply(events);
      return await Promise.all(tables.map(({ table, orderBy }) => tableRows(spec.knex, table, orderBy)));
    } finally {
      await spec.drop();
    }
  };
  return { page: await run(false), oneByOne: await run(true) };
}

/** Every row of a table, in a fixed order, with timestamps as ISO text so rows compare by value. */
export async function tableRows(knex: Knex, table: string, orderBy: readonly string[]): Promise<Array<Record<string, unknown>>> {
  const rows = (await knex(table).select('*').orderBy([...orderBy])) as Array<Record<string, unknown>>;
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])));
}
