import { randomUUID } from 'node:crypto';
import type { ExpectedStreamVersion } from '@event-driven-io/emmett';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import type { PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { runConcurrent, ticketEvent } from './load.js';
import type { RateResult } from './workloads.js';
import { perSecond } from './stats.js';

const STREAMS_PER_WRITER = 5;

/**
 * Emmett's PostgreSQL event store, a peer to compare ours with: same server and database, same
 * events, same writers, each append stating the exact stream version it expects, as ours do.
 */
export class EmmettPeer {
  private constructor(private readonly store: PostgresEventStore) {}

  static async open(connectionString: string): Promise<EmmettPeer> {
    const store = getPostgreSQLEventStore(connectionString);
    await store.schema.migrate();
    return new EmmettPeer(store);
  }

  truncate(): Promise<void> {
    return this.store.schema.dangerous.truncate({ resetSequences: true });
  }

  /** Events per second for `totalEvents` events appended `batch` at a time by `writers` writers. */
  async appendRate(writers: number, totalEvents: number, batch: number): Promise<RateResult> {
    const transactions = Math.max(1, Math.floor(totalEvents / batch));
    const streams = Array.from({ length: writers }, () => ({
      ids: Array.from({ length: STREAMS_PER_WRITER }, () => `ticket-${randomUUID()}`),
      versions: Array.from({ length: STREAMS_PER_WRITER }, (): bigint | null => null),
      turn: 0,
    }));
    const elapsed = await runConcurrent(writers, transactions, async (writer) => {
      const own = streams[writer]!;
      const slot = own.turn;
      own.turn = (own.turn + 1) % STREAMS_PER_WRITER;
      const events = Array.from({ length: batch }, () => {
        const event = ticketEvent();
        return { type: event.type, data: event.data, metadata: event.metadata };
      });
      const known = own.versions[slot] ?? null;
      const expectedStreamVersion: ExpectedStreamVersion = known === null ? STREAM_DOES_NOT_EXIST : known;
      const result = await this.store.appendToStream(own.ids[slot]!, events, { expectedStreamVersion });
      own.versions[slot] = result.nextExpectedStreamVersion;
    });
    return { rate: perSecond(transactions * batch, elapsed), count: transactions * batch };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
