import type { Knex } from 'knex';
import type { SlaClock } from '../../domain/ticket/index.js';
import type { TimerKind } from './index.js';
import { DUE_TIMERS, TIMER_RECOMPUTE } from './index.js';

/**
 * The scheduler's way into the timers read model: it claims the tickets whose timers must be
 * worked out again and the timers that fell due, with leases so two schedulers never act on one
 * (FOR UPDATE SKIP LOCKED), and records what it made of them.
 */

export interface ClaimedTimer {
  id: string;
  tenant_id: string;
  ticket_id: string;
  kind: TimerKind;
  clock: SlaClock | null;
  attempts: number;
}

export interface DesiredTimer {
  readonly id: string;
  readonly kind: TimerKind;
  readonly clock: SlaClock | null;
  readonly dueAt: Date;
}

/** Up to `limit` changed tickets not claimed by another scheduler (or whose claim lapsed), claimed until `until`. */
export async function claimChangedTickets(knex: Knex, until: Date, now: Date, limit: number): Promise<Array<{ ticket_id: string; revision: number }>> {
  const result = await knex.raw<{ rows: Array<{ ticket_id: string; revision: string | number }> }>(
    `UPDATE ${TIMER_RECOMPUTE} SET claimed_until = ?
     WHERE ticket_id IN (
       SELECT ticket_id FROM ${TIMER_RECOMPUTE} WHERE claimed_until IS NULL OR claimed_until < ?
       ORDER BY ticket_id LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING ticket_id, revision`,
    [until, now, limit],
  );
  return result.rows.map((row) => ({ ticket_id: row.ticket_id, revision: Number(row.revision) }));
}

/**
 * The ticket's pending timers become `desired` (fired ones stay as they are), and its recompute
 * note goes, unless the ticket changed again meanwhile: then it carries a higher revision and stays queued.
 */
export async function replaceTicketTimers(knex: Knex, ticketId: string, tenantId: string | null, desired: readonly DesiredTimer[], revision: number): Promise<void> {
  await knex.transaction(async (trx) => {
    const stale = trx(DUE_TIMERS).where({ ticket_id: ticketId }).whereNull('fired_at');
    await (desired.length > 0 ? stale.whereNotIn('id', desired.map((timer) => timer.id)) : stale).delete();
    if (tenantId !== null && desired.length > 0) {
      await trx(DUE_TIMERS)
        .insert(desired.map((timer) => ({ id: timer.id, tenant_id: tenantId, ticket_id: ticketId, kind: timer.kind, clock: timer.clock, due_at: timer.dueAt, attempts: 0 })))
        .onConflict('id')
        .ignore();
    }
    await trx(TIMER_RECOMPUTE).where({ ticket_id: ticketId, revision }).delete();
    await trx(TIMER_RECOMPUTE).where({ ticket_id: ticketId }).update({ claimed_until: null });
  });
}

/** Up to `limit` timers due by `now`, not fired and not claimed by another scheduler, claimed until `until` (one attempt more each). */
export async function claimDueTimers(knex: Knex, until: Date, now: Date, limit: number): Promise<ClaimedTimer[]> {
  const result = await knex.raw<{ rows: ClaimedTimer[] }>(
    `UPDATE ${DUE_TIMERS} SET claimed_until = ?, attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM ${DUE_TIMERS}
       WHERE fired_at IS NULL AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
       ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING id, tenant_id, ticket_id, kind, clock, attempts`,
    [until, now, now, limit],
  );
  return result.rows;
}

/** Done with: acted on, or found moot (`note` says why). */
export async function markTimerFired(knex: Knex, id: string, at: Date, note: string | null): Promise<void> {
  await knex(DUE_TIMERS).where({ id }).update({ fired_at: at, claimed_until: null, last_error: note });
}

/** To be tried again once the claim lapses. */
export async function noteTimerFailure(knex: Knex, id: string, error: string): Promise<void> {
  await knex(DUE_TIMERS).where({ id }).update({ last_error: error });
}
