import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { formatTicketNumber, numberStream } from '../../src/domain/ticket/index.js';
import { comparePositions } from '../../src/eventstore/types.js';
import { openSystem } from '../../src/system.js';
import { generator, ticketStream } from './corpus.js';
import { perSecond } from './stats.js';

export interface Desk {
  readonly tenantSlug: string;
  readonly email: string;
  readonly password: string;
}

export interface Seeded {
  readonly desk: Desk;
  readonly ticketIds: readonly string[];
  readonly events: number;
  readonly appendRate: number;
  /** Every read model built from empty over the seeded log, all at once; `byName` is when each one finished. */
  readonly projection: { readonly events: number; readonly ms: number; readonly byName: ReadonlyArray<{ name: string; ms: number }> };
}

const REBUILD_TIMEOUT_MS = 4 * 3_600_000;

/**
 * Fills a fresh database the way months of use would: a tenant signed up over HTTP, then
 * `tickets` ticket streams of `eventsPerTicket` events appended straight through our EventStore
 * port (going through HTTP would take hours), then every projection run over that log from where
 * the signup left it, timed: the same work as `itsm rebuild all`.
 */
export async function seedDesk(
  env: Readonly<Record<string, string>>,
  tickets: number,
  eventsPerTicket: number,
  progress: (message: string) => void,
): Promise<Seeded> {
  const system = await openSystem(loadConfig(env), pino({ level: 'silent' }));
  try {
    // Projections run during the signup only, so that it answers once its read models are there.
    system.projections.start();
    const server: Server = await new Promise((resolve) => {
      const created = system.createApi().listen(0, '127.0.0.1', () => resolve(created));
    });
    const desk = { email: 'owner@bench.example', password: 'quiet-heron-basalt-71' };
    let signedUp: { tenant: { id: string; slug: string }; user: { id: string } };
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/signup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ organization: `Bench ${randomBytes(3).toString('hex')}`, email: desk.email, password: desk.password, name: 'Desk Owner' }),
      });
      if (response.status !== 201) throw new Error(`signup answered ${response.status}: ${await response.text()}`);
      signedUp = (await response.json()) as typeof signedUp;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await system.projections.stop();
    }

    const author = { tenantId: signedUp.tenant.id, requesterId: signedUp.user.id };
    const random = generator(42);
    const writers = system.db.kind === 'pglite' ? 1 : 8;
    const ticketIds: string[] = [];
    let next = 0;
    const appendStarted = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let n = next++; n < tickets; n = next++) {
          const stream = ticketStream(random, author, n, eventsPerTicket);
          ticketIds.push(stream.ticketId);
          await system.store.appendToStream(`ticket-${stream.ticketId}`, stream.events, 'no_stream');
          if (n > 0 && n % 10_000 === 0) progress(`  ${n.toLocaleString('en-US')} tickets appended`);
        }
      }),
    );
    // The seeded tickets carry INC-000000 … INC-<tickets - 1>: the counter must continue after them,
    // as it would had they been opened through the API, or the first ticket the benchmark opens
    // repeats a number and the tickets projection stops on the unique index (every POST then 202).
    const lastNumber = Math.max(0, tickets - 1);
    if (system.store.sharesTransactions) {
      // PostgreSQL takes numbers in the ticket's own append, from es_counters.
      await system.db.knex.raw('INSERT INTO es_counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = GREATEST(es_counters.value, EXCLUDED.value)', [numberStream(author.tenantId, 'incident'), lastNumber]);
    } else {
      await system.store.appendToStream(
        numberStream(author.tenantId, 'incident'),
        [{ id: randomUUID(), type: 'TicketNumberReserved', data: { sequence: lastNumber, number: formatTicketNumber('incident', lastNumber), ticketId: ticketIds.at(-1) ?? randomUUID() }, metadata: { tenantId: author.tenantId, actorId: author.requesterId } }],
        'any',
      );
    }
    const events = tickets * eventsPerTicket;
    const appendRate = perSecond(events, performance.now() - appendStarted);

    // All at once, as `itsm rebuild all` runs them: one catch-up feeding every projection.
    const projectionStarted = performance.now();
    const finished = new Map<string, number>();
    const reached = await system.projections.catchUp(system.projections.names, REBUILD_TIMEOUT_MS, (batch) => {
      if (finished.has(batch.projection) || comparePositions(batch.cursor, batch.target) < 0) return;
      const ms = performance.now() - projectionStarted;
      finished.set(batch.projection, ms);
      progress(`  projection ${batch.projection}: done after ${Math.round(ms)} ms`);
    });
    if (!reached) throw new Error(`the read models did not reach the head of the log within ${REBUILD_TIMEOUT_MS} ms`);
    // A projection already at the head when the catch-up began reports no batch: it took no time.
    const byName = system.projections.names.map((name) => ({ name, ms: finished.get(name) ?? 0 }));
    // The statistics autovacuum would gather in the minutes after a bulk load, gathered now: without
    // them the planner takes the tenant index over the full-text one (a search then reads every
    // document of the tenant, ~4× slower at 100k tickets), which is the state right after a
    // rebuild, not the steady state measured here.
    await system.db.pool.query('ANALYZE');
    return {
      desk: { tenantSlug: signedUp.tenant.slug, ...desk },
      ticketIds,
      events,
      appendRate,
      projection: { events, ms: performance.now() - projectionStarted, byName },
    };
  } finally {
    await system.close();
  }
}
