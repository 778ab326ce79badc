import type { Knex } from 'knex';
import type { BusinessCalendar } from '../../domain/sla/index.js';
import type { TimedTicketEvent } from '../../domain/sla/ticket-clocks.js';
import type { TicketEvent } from '../../domain/ticket/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import { clockFigures } from './clock-figures.js';
import type { ClockTerms } from './clock-figures.js';
import { CALENDAR_VERSIONS, TICKET_CLOCK_EVENTS, TICKET_FACTS, TICKET_OPEN_INTERVALS } from './tables.js';

/** The events the SLA clock segments are built from (src/domain/sla/ticket-clocks.ts). */
const CLOCK_EVENT_TYPES: ReadonlySet<string> = new Set([
  'TicketOpened',
  'TicketCommented',
  'TicketWorkStarted',
  'TicketPended',
  'TicketResumed',
  'TicketResolved',
  'TicketCancelled',
  'TicketMergedInto',
  'TicketClosed',
  'TicketReopened',
]);

/** Events after which the SLA figures may read differently. */
const REFIGURING_TYPES: ReadonlySet<string> = new Set([...CLOCK_EVENT_TYPES, 'TicketSlaApplied', 'SlaBreached']);

interface FactsRow {
  tenant_id: string;
  type: string;
  priority: string;
  team_id: string | null;
  sla_calendar_id: string | null;
  sla_calendar_version: number | null;
  sla_warning_share: number | null;
  first_response_target_minutes: number | null;
  resolution_target_minutes: number | null;
  last_event_at: Date;
}

interface ClockEventRow {
  revision: number;
  type: string;
  at_text: string;
  author_id: string | null;
  internal: boolean | null;
  requester_id: string | null;
}

/**
 * One ticket event into the ticket facts, its clock inputs and its backlog intervals. Every value
 * comes from the events (their `at`, never the wall clock), and the facts row's revision turns a
 * replayed event into a no-op, so a rebuild writes the same bytes as the live run.
 *
 * Answers whether the ticket's SLA figures may have moved. The caller refigures each such ticket
 * once, after its batch: the figures depend only on where the ticket ends up, so once per batch
 * gives the same bytes as once per event, however the log was cut into batches.
 */
export async function applyTicketEvent(trx: Knex.Transaction, recorded: RecordedEvent, event: TicketEvent): Promise<boolean> {
  const ticketId = recorded.streamId.slice('ticket-'.length);
  if (event.type === 'TicketOpened') {
    const d = event.data;
    const inserted = await trx(TICKET_FACTS)
      .insert({
        ticket_id: ticketId,
        tenant_id: d.tenantId,
        number: d.number,
        type: d.type,
        priority: d.priority,
        status: 'new',
        category_id: d.categoryId,
        service_id: d.serviceId,
        team_id: d.teamId,
        requester_id: d.requesterId,
        created_at: d.at,
        last_event_at: d.at,
        revision: recorded.revision,
      })
      .onConflict('ticket_id')
      .ignore()
      .returning('ticket_id');
    if (inserted.length === 0) return false;
    await openInterval(trx, ticketId, recorded.revision, { tenant_id: d.tenantId, type: d.type, priority: d.priority, team_id: d.teamId }, d.at);
    await keepClockEvent(trx, ticketId, d.tenantId, recorded, event);
    return true;
  }
  const at = event.data.at;
  const moved = await trx(TICKET_FACTS)
    .where({ ticket_id: ticketId })
    .andWhere('revision', '<', recorded.revision)
    .update({ revision: recorded.revision, last_event_at: trx.raw('GREATEST(last_event_at, ?::timestamptz)', [at]) }, ['tenant_id']);
  const tenantId = (moved[0] as { tenant_id: string } | undefined)?.tenant_id;
  if (tenantId === undefined) return false;
  const row = (fields: Record<string, unknown>) => trx(TICKET_FACTS).where({ ticket_id: ticketId }).update(fields);
  if (CLOCK_EVENT_TYPES.has(event.type)) await keepClockEvent(trx, ticketId, tenantId, recorded, event);
  switch (event.type) {
    case 'TicketUpdated': {
      const c = event.data.changes;
      const fields: Record<string, unknown> = {};
      if (c.categoryId !== undefined) fields.category_id = c.categoryId;
      if (c.serviceId !== undefined) fields.service_id = c.serviceId;
      if (Object.keys(fields).length > 0) await row(fields);
      break;
    }
    case 'TicketPriorityChanged':
      await row({ priority: event.data.priority });
      await splitInterval(trx, ticketId, recorded.revision, at);
      break;
    case 'TicketAssigned':
      await trx.raw(
        `UPDATE ${TICKET_FACTS} SET assignee_id = ?, team_id = ?, status = CASE WHEN ?::uuid IS NULL AND status = 'assigned' THEN 'new' WHEN ?::uuid IS NOT NULL AND status = 'new' THEN 'assigned' ELSE status END WHERE ticket_id = ?`,
        [event.data.assigneeId, event.data.teamId, event.data.assigneeId, event.data.assigneeId, ticketId],
      );
      await splitInterval(trx, ticketId, recorded.revision, at);
      break;
    case 'TicketWorkStarted':
    case 'TicketResumed':
      await row({ status: 'in_progress' });
      break;
    case 'TicketPended':
      await row({ status: 'pending' });
      break;
    case 'TicketResolved':
      await row({ status: 'resolved', resolved_at: at, resolved_by: event.data.by });
      await closeInterval(trx, ticketId, at);
      break;
    case 'TicketClosed':
    case 'TicketMergedInto':
      await row({ status: 'closed', closed_at: at });
      await closeInterval(trx, ticketId, at);
      break;
    case 'TicketCancelled':
      await row({ status: 'cancelled', closed_at: at });
      await closeInterval(trx, ticketId, at);
      break;
    case 'TicketReopened': {
      await row({ status: event.data.status, resolved_at: null, resolved_by: null, closed_at: null, reopen_count: trx.raw('reopen_count + 1') });
      const facts = await readFacts(trx, ticketId);
      await openInterval(trx, ticketId, recorded.revision, { tenant_id: tenantId, type: facts.type, priority: facts.priority, team_id: facts.team_id }, at);
      break;
    }
    case 'TicketSlaApplied': {
      const terms = event.data.terms;
      await row({
        sla_policy_id: terms.policyId,
        sla_policy_version: terms.policyVersion,
        sla_calendar_id: terms.calendarId,
        sla_calendar_version: terms.calendarVersion,
        sla_warning_share: terms.warningShare,
        first_response_target_minutes: terms.firstResponseMinutes,
        resolution_target_minutes: terms.resolutionMinutes,
      });
      break;
    }
    case 'TicketDeleted':
      await row({ deleted: true });
      break;
    case 'TicketRestored':
      await row({ deleted: false });
      break;
    default:
      // Comments, links, watchers, approvals, attachments, warnings: no fact of their own here.
      break;
  }
  return REFIGURING_TYPES.has(event.type);
}

async function readFacts(trx: Knex.Transaction, ticketId: string): Promise<FactsRow> {
  return (await trx(TICKET_FACTS).where({ ticket_id: ticketId }).first()) as FactsRow;
}

async function keepClockEvent(trx: Knex.Transaction, ticketId: string, tenantId: string, recorded: RecordedEvent, event: TicketEvent): Promise<void> {
  const data = event.data as { at: string; authorId?: string; internal?: boolean; requesterId?: string };
  await trx(TICKET_CLOCK_EVENTS)
    .insert({
      ticket_id: ticketId,
      revision: recorded.revision,
      tenant_id: tenantId,
      type: event.type,
      at: data.at,
      at_text: data.at,
      author_id: data.authorId ?? null,
      internal: data.internal ?? null,
      requester_id: data.requesterId ?? null,
    })
    .onConflict(['ticket_id', 'revision'])
    .ignore();
}

/** Recomputes the SLA figures from the ticket's clock events, as of its latest event. */
export async function refigureTicket(trx: Knex.Transaction, ticketId: string): Promise<void> {
  const facts = await readFacts(trx, ticketId);
  const rows = (await trx(TICKET_CLOCK_EVENTS).select('revision', 'type', 'at_text', 'author_id', 'internal', 'requester_id').where({ ticket_id: ticketId }).orderBy('revision')) as ClockEventRow[];
  const events: TimedTicketEvent[] = rows.map((event) => ({
    type: event.type,
    revision: event.revision,
    data: { at: event.at_text, authorId: event.author_id, internal: event.internal, requesterId: event.requester_id },
  }));
  const figures = clockFigures(events, await termsOf(trx, facts), new Date(facts.last_event_at));
  await trx(TICKET_FACTS).where({ ticket_id: ticketId }).update({
    first_response_at: figures.firstResponseAt,
    first_response_sla: figures.firstResponseSla,
    resolution_sla: figures.resolutionSla,
    first_response_business_minutes: figures.firstResponseBusinessMinutes,
    resolution_business_minutes: figures.resolutionBusinessMinutes,
  });
}

/** The terms the ticket recorded, with the calendar version they name; null without an SLA. */
async function termsOf(trx: Knex.Transaction, facts: FactsRow): Promise<ClockTerms | null> {
  const { sla_calendar_id: calendarId, sla_calendar_version: version, sla_warning_share: warningShare } = facts;
  const { first_response_target_minutes: firstResponseMinutes, resolution_target_minutes: resolutionMinutes } = facts;
  if (calendarId === null || version === null || warningShare === null || firstResponseMinutes === null || resolutionMinutes === null) return null;
  const calendar = (await trx(CALENDAR_VERSIONS).select('calendar').where({ calendar_id: calendarId, version }).first()) as { calendar: BusinessCalendar } | undefined;
  if (!calendar) return null;
  return { calendar: calendar.calendar, firstResponseMinutes, resolutionMinutes, warningShare };
}

type IntervalFields = { tenant_id: string; type: string; priority: string; team_id: string | null };

async function openInterval(trx: Knex.Transaction, ticketId: string, revision: number, fields: IntervalFields, at: string): Promise<void> {
  await trx(TICKET_OPEN_INTERVALS)
    .insert({ ticket_id: ticketId, opened_revision: revision, ...fields, opened_at: at, closed_at: null })
    .onConflict(['ticket_id', 'opened_revision'])
    .ignore();
}

async function closeInterval(trx: Knex.Transaction, ticketId: string, at: string): Promise<void> {
  await trx(TICKET_OPEN_INTERVALS).where({ ticket_id: ticketId }).whereNull('closed_at').update({ closed_at: at });
}

/** A change of team or priority while open ends one backlog interval and starts the next, so each day counts the ticket where it then stood. */
async function splitInterval(trx: Knex.Transaction, ticketId: string, revision: number, at: string): Promise<void> {
  const open = (await trx(TICKET_OPEN_INTERVALS).select('priority', 'team_id').where({ ticket_id: ticketId }).whereNull('closed_at').first()) as { priority: string; team_id: string | null } | undefined;
  if (!open) return;
  const facts = await readFacts(trx, ticketId);
  if (open.priority === facts.priority && open.team_id === facts.team_id) return;
  await closeInterval(trx, ticketId, at);
  await openInterval(trx, ticketId, revision, { tenant_id: facts.tenant_id, type: facts.type, priority: facts.priority, team_id: facts.team_id }, at);
}
