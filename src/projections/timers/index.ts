import type { Knex } from 'knex';
import { storedUuid } from '../batched-writes.js';
import type { Projection } from '../types.js';

export const DUE_TIMERS = 'due_timers';
export const TIMER_RECOMPUTE = 'timer_recompute';

export const TIMER_KINDS = ['sla_warning', 'sla_breach', 'auto_close'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/**
 * Due timers (SLA warnings and breaches, auto-close), fed by ticket events.
 *
 * When a clock falls due depends on the ticket's whole history evaluated in its business calendar,
 * which is a computation over the stream, not a row mapping. So this projection only notes which
 * tickets changed (`timer_recompute`, keyed by ticket, carrying the newest revision seen) and the
 * scheduler — a process manager, which may read the log — recomputes their timers into
 * `due_timers`. Both tables live and die with this projection: a rebuild drops every `fired_at`
 * and re-notes every ticket; the timers then come back and fire again, and the decider records
 * nothing twice (it keeps which alerts were recorded), so the log still gets each alert once.
 */
export const timersProjection: Projection = {
  name: 'timers',
  version: 1,
  runs: 'async',
  filter: { categories: ['ticket'] },
  async createTables(knex) {
    await knex.schema.createTable(DUE_TIMERS, (t) => {
      // `<ticket>:<kind>:<clock|->:<due ISO>`: a timer whose due moves is a new timer; one already fired stays fired.
      t.text('id').primary();
      t.uuid('tenant_id').notNullable();
      t.uuid('ticket_id').notNullable();
      t.text('kind').notNullable();
      t.text('clock');
      t.timestamp('due_at', { useTz: true }).notNullable();
      t.timestamp('fired_at', { useTz: true });
      t.timestamp('claimed_until', { useTz: true });
      t.integer('attempts').notNullable().defaultTo(0);
      t.text('last_error');
      t.index(['ticket_id']);
    });
    await knex.raw(`CREATE INDEX due_timers_pending ON ${DUE_TIMERS} (due_at) WHERE fired_at IS NULL`);
    await knex.schema.createTable(TIMER_RECOMPUTE, (t) => {
      t.uuid('ticket_id').primary();
      t.uuid('tenant_id').notNullable();
      t.bigInteger('revision').notNullable();
      t.timestamp('claimed_until', { useTz: true });
    });
  },
  async dropTables(knex) {
    await knex.schema.dropTableIfExists(DUE_TIMERS);
    await knex.schema.dropTableIfExists(TIMER_RECOMPUTE);
  },
  apply(trx: Knex.Transaction, events, writes) {
    const latest = new Map<string, { tenantId: string; revision: number }>();
    for (const recorded of events) {
      const tenantId = recorded.metadata.tenantId;
      if (typeof tenantId !== 'string') continue;
      // Keyed as the database spells it: one row may be named once a statement.
      latest.set(storedUuid(recorded.streamId.slice('ticket-'.length)), { tenantId, revision: recorded.revision });
    }
    if (latest.size === 0) return Promise.resolve();
    // One statement a page. A replayed event never lowers the revision, so a recompute in flight for a newer one is not lost.
    const rows = [...latest];
    writes.add(
      trx.raw(
        `INSERT INTO ${TIMER_RECOMPUTE} (ticket_id, tenant_id, revision) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}
         ON CONFLICT (ticket_id) DO UPDATE SET revision = GREATEST(${TIMER_RECOMPUTE}.revision, EXCLUDED.revision)`,
        rows.flatMap(([ticketId, { tenantId, revision }]) => [ticketId, tenantId, revision]),
      ),
    );
    return Promise.resolve();
  },
};
