import type { Knex } from 'knex';
import type { BusinessCalendar } from '../../domain/sla/index.js';
import type { TimedTicketEvent } from '../../domain/sla/ticket-clocks.js';
import type { TicketEvent, TicketStatus } from '../../domain/ticket/index.js';
import { statusAfter } from '../../domain/ticket/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { ColumnType, RowPatch } from '../batched-writes.js';
import type { JsonRows } from '../../db/combined-reads.js';
import { readTogether } from '../../db/combined-reads.js';
import type { DeferredWrites } from '../../db/deferred-writes.js';
import { insertRowsIgnoring, patchRows, storedUuid as uuid, storedUuidOrNull as uuidOrNull } from '../batched-writes.js';
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
  'TicketUnmerged',
]);

/** Events after which the SLA figures may read differently. */
const REFIGURING_TYPES: ReadonlySet<string> = new Set([...CLOCK_EVENT_TYPES, 'TicketSlaApplied', 'SlaBreached']);

const FACT_COLUMNS: Readonly<Record<string, ColumnType>> = {
  ticket_id: 'uuid',
  tenant_id: 'uuid',
  number: 'text',
  type: 'text',
  priority: 'text',
  status: 'text',
  category_id: 'uuid',
  service_id: 'uuid',
  team_id: 'uuid',
  assignee_id: 'uuid',
  requester_id: 'uuid',
  created_at: 'timestamptz',
  first_response_at: 'timestamptz',
  resolved_at: 'timestamptz',
  resolved_by: 'uuid',
  closed_at: 'timestamptz',
  reopen_count: 'integer',
  sla_policy_id: 'uuid',
  sla_policy_version: 'integer',
  sla_calendar_id: 'uuid',
  sla_calendar_version: 'integer',
  sla_warning_share: 'double precision',
  first_response_target_minutes: 'integer',
  resolution_target_minutes: 'integer',
  first_response_sla: 'text',
  resolution_sla: 'text',
  first_response_business_minutes: 'double precision',
  resolution_business_minutes: 'double precision',
  deleted: 'boolean',
  last_event_at: 'timestamptz',
  revision: 'integer',
};

const INTERVAL_COLUMNS: Readonly<Record<string, ColumnType>> = { ticket_id: 'uuid', opened_revision: 'integer', closed_at: 'timestamptz' };

/** The facts columns this code reads back; the rest it only writes. */
interface FactsRow {
  tenant_id: string;
  type: string;
  priority: string;
  status: string;
  team_id: string | null;
  reopen_count: number;
  sla_calendar_id: string | null;
  sla_calendar_version: number | null;
  sla_warning_share: number | null;
  first_response_target_minutes: number | null;
  resolution_target_minutes: number | null;
  last_event_at: Date;
  revision: number;
}

interface ClockEventRow {
  revision: number;
  type: string;
  at_text: string;
  author_id: string | null;
  internal: boolean | null;
  requester_id: string | null;
}

interface Facts {
  readonly row: FactsRow;
  /** Inserted by this page (written whole) rather than stored before it (patched). */
  readonly fresh: boolean;
  /** Every column set by this page, with the value as it goes to the database. */
  readonly changes: Record<string, unknown>;
}

interface OpenInterval {
  readonly openedRevision: number;
  readonly priority: string;
  readonly teamId: string | null;
  /** Opened by this page: inserted whole, with `closedAt` if it closed within the page too. */
  readonly row: Record<string, unknown> | null;
  closedAt: string | null;
}

type IntervalFields = { tenant_id: string; type: string; priority: string; team_id: string | null };

/**
 * A page of events into the ticket facts, their clock inputs and backlog intervals. The page's
 * tickets are read once, folded in memory event by event with the very rules the row-at-a-time
 * code had (every value comes from the events, never the wall clock; the facts row's revision
 * turns a replayed event into a no-op), and written once: a rebuild writes the same bytes as the
 * live run, whatever the batch size.
 */
export class TicketFactsPage {
  private readonly facts = new Map<string, Facts>();
  private readonly clockEvents = new Map<string, ClockEventRow[]>();
  private readonly newClockEvents: Array<Record<string, unknown>> = [];
  private readonly intervals = new Map<string, OpenInterval[]>();
  /** The tickets whose SLA figures may have moved: refigured once, after the page. */
  private readonly refigure = new Set<string>();

  private constructor() {}

  /** The reads `load` starts with: the page's stored tickets, their clock events and open backlog intervals. */
  static reads(knex: Knex, ticketIds: readonly string[]): Array<Knex.QueryBuilder> {
    if (ticketIds.length === 0) return [];
    return [
      knex(TICKET_FACTS)
        .select('ticket_id', 'tenant_id', 'type', 'priority', 'status', 'team_id', 'reopen_count', 'sla_calendar_id', 'sla_calendar_version', 'sla_warning_share', 'first_response_target_minutes', 'resolution_target_minutes', 'last_event_at', 'revision')
        .whereIn('ticket_id', ticketIds),
      knex(TICKET_CLOCK_EVENTS).select('ticket_id', 'revision', 'type', 'at_text', 'author_id', 'internal', 'requester_id').whereIn('ticket_id', ticketIds),
      knex(TICKET_OPEN_INTERVALS).select('ticket_id', 'opened_revision', 'priority', 'team_id').whereIn('ticket_id', ticketIds).whereNull('closed_at'),
    ];
  }

  /**
   * `ticketIds` leaves out tickets opened in the page: they have nothing stored yet. `preread`:
   * the rows of `reads`, read with the batch's claim; without it, they are read here in one statement.
   */
  static async load(trx: Knex.Transaction, ticketIds: readonly string[], preread?: ReadonlyArray<JsonRows>): Promise<TicketFactsPage> {
    const page = new TicketFactsPage();
    if (ticketIds.length === 0) return page;
    const [facts, clock, open] = (preread ?? (await readTogether(trx, TicketFactsPage.reads(trx, ticketIds)))) as [
      Array<FactsRow & { ticket_id: string; last_event_at: string | Date }>,
      Array<ClockEventRow & { ticket_id: string }>,
      Array<{ ticket_id: string; opened_revision: number; priority: string; team_id: string | null }>,
    ];
    for (const { ticket_id: ticketId, ...row } of facts) page.facts.set(ticketId, { row: { ...row, last_event_at: new Date(row.last_event_at) }, fresh: false, changes: {} });
    for (const { ticket_id: ticketId, ...row } of clock) {
      if (page.facts.has(ticketId)) listIn(page.clockEvents, ticketId).push(row);
    }
    // The clock segments are built in revision order.
    for (const events of page.clockEvents.values()) events.sort((a, b) => a.revision - b.revision);
    for (const row of open) {
      if (page.facts.has(row.ticket_id)) listIn(page.intervals, row.ticket_id).push({ openedRevision: row.opened_revision, priority: row.priority, teamId: row.team_id, row: null, closedAt: null });
    }
    return page;
  }

  /** One ticket event, in memory. */
  apply(recorded: RecordedEvent, event: TicketEvent): void {
    const ticketId = recorded.streamId.slice('ticket-'.length);
    if (event.type === 'TicketOpened') {
      if (this.facts.has(ticketId)) return;
      const d = event.data;
      const changes: Record<string, unknown> = {
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
      };
      const row: FactsRow = {
        tenant_id: uuid(d.tenantId),
        type: d.type,
        priority: d.priority,
        status: 'new',
        team_id: uuidOrNull(d.teamId),
        reopen_count: 0,
        sla_calendar_id: null,
        sla_calendar_version: null,
        sla_warning_share: null,
        first_response_target_minutes: null,
        resolution_target_minutes: null,
        last_event_at: new Date(d.at),
        revision: recorded.revision,
      };
      const facts: Facts = { row, fresh: true, changes };
      this.facts.set(ticketId, facts);
      this.openInterval(ticketId, recorded.revision, { tenant_id: d.tenantId, type: d.type, priority: d.priority, team_id: d.teamId }, d.at);
      this.keepClockEvent(ticketId, d.tenantId, recorded, event);
      this.refigure.add(ticketId);
      return;
    }
    const facts = this.facts.get(ticketId);
    if (!facts || facts.row.revision >= recorded.revision) return;
    const at = event.data.at;
    const set = (fields: Readonly<Record<string, unknown>>) => {
      for (const [column, value] of Object.entries(fields)) {
        facts.changes[column] = value;
        if (column in facts.row) (facts.row as unknown as Record<string, unknown>)[column] = FACT_COLUMNS[column] === 'uuid' ? uuidOrNull(value as string | null) : value;
      }
    };
    set({ revision: recorded.revision });
    // GREATEST(last_event_at, at): an event carrying an earlier time never moves it back.
    const atInstant = new Date(at);
    if (atInstant.getTime() > facts.row.last_event_at.getTime()) {
      facts.changes.last_event_at = at;
      facts.row.last_event_at = atInstant;
    }
    const tenantId = facts.row.tenant_id;
    if (CLOCK_EVENT_TYPES.has(event.type)) this.keepClockEvent(ticketId, tenantId, recorded, event);
    switch (event.type) {
      case 'TicketUpdated': {
        const c = event.data.changes;
        if (c.categoryId !== undefined) set({ category_id: c.categoryId });
        if (c.serviceId !== undefined) set({ service_id: c.serviceId });
        break;
      }
      case 'TicketPriorityChanged':
        set({ priority: event.data.priority });
        this.splitInterval(ticketId, recorded.revision, at);
        break;
      case 'TicketAssigned': {
        const { assigneeId, teamId } = event.data;
        set({ assignee_id: assigneeId, team_id: teamId, status: statusAfter(facts.row.status as TicketStatus, event) });
        this.splitInterval(ticketId, recorded.revision, at);
        break;
      }
      case 'TicketWorkStarted':
      case 'TicketResumed':
      case 'TicketPended':
        set({ status: statusAfter(facts.row.status as TicketStatus, event) });
        break;
      case 'TicketResolved':
        set({ status: statusAfter(facts.row.status as TicketStatus, event), resolved_at: at, resolved_by: event.data.by });
        this.closeInterval(ticketId, at);
        break;
      case 'TicketClosed':
      case 'TicketMergedInto':
        set({ status: statusAfter(facts.row.status as TicketStatus, event), closed_at: at });
        this.closeInterval(ticketId, at);
        break;
      case 'TicketCancelled':
        set({ status: statusAfter(facts.row.status as TicketStatus, event), closed_at: at });
        this.closeInterval(ticketId, at);
        break;
      case 'TicketReopened': {
        set({ status: statusAfter(facts.row.status as TicketStatus, event), resolved_at: null, resolved_by: null, closed_at: null, reopen_count: facts.row.reopen_count + 1 });
        const { type, priority, team_id } = facts.row;
        this.openInterval(ticketId, recorded.revision, { tenant_id: tenantId, type, priority, team_id }, at);
        break;
      }
      case 'TicketSlaApplied': {
        const terms = event.data.terms;
        set({
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
      case 'TicketUnmerged': {
        set({ status: statusAfter(facts.row.status as TicketStatus, event), closed_at: null });
        const { type, priority, team_id } = facts.row;
        this.openInterval(ticketId, recorded.revision, { tenant_id: tenantId, type, priority, team_id }, at);
        break;
      }
      case 'TicketDeleted':
        set({ deleted: true });
        break;
      case 'TicketRestored':
        set({ deleted: false });
        break;
      default:
        // Comments, links, watchers, approvals, attachments, warnings: no fact of their own here.
        break;
    }
    if (REFIGURING_TYPES.has(event.type)) this.refigure.add(ticketId);
  }

  /**
   * Refigures the tickets whose figures may have moved, then writes every touched row once. The
   * figures depend only on where the ticket ends up, so once per page gives the same bytes as
   * once per event, however the log was cut into pages.
   */
  async write(trx: Knex.Transaction, deferred: DeferredWrites): Promise<void> {
    const calendars = await this.calendarsFor(trx, [...this.refigure].map((ticketId) => this.facts.get(ticketId)!.row));
    for (const ticketId of this.refigure) this.refigureTicket(ticketId, calendars);
    const fresh: Array<Record<string, unknown>> = [];
    const patches: RowPatch[] = [];
    for (const [ticketId, facts] of this.facts) {
      if (facts.fresh) fresh.push(facts.changes);
      else if (Object.keys(facts.changes).length > 0) patches.push({ key: { ticket_id: ticketId }, set: facts.changes });
    }
    await insertRowsIgnoring(trx, TICKET_FACTS, ['ticket_id'], fresh, deferred);
    await patchRows(trx, TICKET_FACTS, FACT_COLUMNS, patches, deferred);
    await insertRowsIgnoring(trx, TICKET_CLOCK_EVENTS, ['ticket_id', 'revision'], this.newClockEvents, deferred);
    const opened: Array<Record<string, unknown>> = [];
    const closed: RowPatch[] = [];
    for (const [ticketId, intervals] of this.intervals) {
      for (const interval of intervals) {
        if (interval.row) opened.push({ ...interval.row, closed_at: interval.closedAt });
        else if (interval.closedAt !== null) closed.push({ key: { ticket_id: ticketId, opened_revision: interval.openedRevision }, set: { closed_at: interval.closedAt } });
      }
    }
    await insertRowsIgnoring(trx, TICKET_OPEN_INTERVALS, ['ticket_id', 'opened_revision'], opened, deferred);
    await patchRows(trx, TICKET_OPEN_INTERVALS, INTERVAL_COLUMNS, closed, deferred);
  }

  private keepClockEvent(ticketId: string, tenantId: string, recorded: RecordedEvent, event: TicketEvent): void {
    const data = event.data as { at: string; authorId?: string; internal?: boolean; requesterId?: string };
    const known = listIn(this.clockEvents, ticketId);
    if (known.some((row) => row.revision === recorded.revision)) return;
    const row = { revision: recorded.revision, type: event.type, at_text: data.at, author_id: data.authorId ?? null, internal: data.internal ?? null, requester_id: data.requesterId ?? null };
    this.newClockEvents.push({ ticket_id: ticketId, tenant_id: tenantId, at: data.at, ...row });
    // As the row reads back: the uuid columns in PostgreSQL's spelling.
    known.push({ ...row, author_id: uuidOrNull(row.author_id), requester_id: uuidOrNull(row.requester_id) });
    known.sort((a, b) => a.revision - b.revision);
  }

  /** Recomputes the SLA figures from the ticket's clock events, as of its latest event. */
  private refigureTicket(ticketId: string, calendars: ReadonlyMap<string, BusinessCalendar>): void {
    const facts = this.facts.get(ticketId)!;
    const events: TimedTicketEvent[] = (this.clockEvents.get(ticketId) ?? []).map((event) => ({
      type: event.type,
      revision: event.revision,
      data: { at: event.at_text, authorId: event.author_id, internal: event.internal, requesterId: event.requester_id },
    }));
    const figures = clockFigures(events, termsOf(facts.row, calendars), facts.row.last_event_at);
    Object.assign(facts.changes, {
      first_response_at: figures.firstResponseAt,
      first_response_sla: figures.firstResponseSla,
      resolution_sla: figures.resolutionSla,
      first_response_business_minutes: figures.firstResponseBusinessMinutes,
      resolution_business_minutes: figures.resolutionBusinessMinutes,
    });
  }

  /**
   * The calendar versions the refigured tickets' terms name: those not read before, in one read.
   * A version never changes once in the log, so what was read stays true.
   */
  private async calendarsFor(trx: Knex.Transaction, rows: readonly FactsRow[]): Promise<Map<string, BusinessCalendar>> {
    const known = knownCalendars(trx);
    const calendars = new Map<string, BusinessCalendar>();
    const wanted = new Map<string, readonly [string, number]>();
    for (const row of rows) {
      if (row.sla_calendar_id === null || row.sla_calendar_version === null) continue;
      const key = calendarKey(row.sla_calendar_id, row.sla_calendar_version);
      const calendar = known.get(key);
      if (calendar) calendars.set(key, calendar);
      else wanted.set(key, [row.sla_calendar_id, row.sla_calendar_version]);
    }
    if (wanted.size === 0) return calendars;
    const found = (await trx(CALENDAR_VERSIONS)
      .select('calendar_id', 'version', 'calendar')
      .whereIn(['calendar_id', 'version'], [...wanted.values()].map(([calendarId, version]) => [calendarId, version]))) as Array<{ calendar_id: string; version: number; calendar: BusinessCalendar }>;
    for (const row of found) {
      const key = calendarKey(row.calendar_id, row.version);
      calendars.set(key, row.calendar);
      remember(known, key, row.calendar);
    }
    return calendars;
  }

  private openInterval(ticketId: string, revision: number, fields: IntervalFields, at: string): void {
    const intervals = listIn(this.intervals, ticketId);
    if (intervals.some((interval) => interval.openedRevision === revision)) return;
    intervals.push({ openedRevision: revision, priority: fields.priority, teamId: uuidOrNull(fields.team_id), row: { ticket_id: ticketId, opened_revision: revision, ...fields, opened_at: at }, closedAt: null });
  }

  private closeInterval(ticketId: string, at: string): void {
    for (const interval of this.intervals.get(ticketId) ?? []) {
      if (interval.closedAt === null) interval.closedAt = at;
    }
  }

  /** A change of team or priority while open ends one backlog interval and starts the next, so each day counts the ticket where it then stood. */
  private splitInterval(ticketId: string, revision: number, at: string): void {
    const open = this.intervals.get(ticketId)?.find((interval) => interval.closedAt === null);
    if (!open) return;
    const { tenant_id, type, priority, team_id } = this.facts.get(ticketId)!.row;
    if (open.priority === priority && open.teamId === team_id) return;
    this.closeInterval(ticketId, at);
    this.openInterval(ticketId, revision, { tenant_id, type, priority, team_id }, at);
  }
}

/** The terms the ticket recorded, with the calendar version they name; null without an SLA. */
function termsOf(facts: FactsRow, calendars: ReadonlyMap<string, BusinessCalendar>): ClockTerms | null {
  const { sla_calendar_id: calendarId, sla_calendar_version: version, sla_warning_share: warningShare } = facts;
  const { first_response_target_minutes: firstResponseMinutes, resolution_target_minutes: resolutionMinutes } = facts;
  if (calendarId === null || version === null || warningShare === null || firstResponseMinutes === null || resolutionMinutes === null) return null;
  const calendar = calendars.get(calendarKey(calendarId, version));
  if (!calendar) return null;
  return { calendar, firstResponseMinutes, resolutionMinutes, warningShare };
}

const calendarKey = (calendarId: string, version: number): string => `${uuid(calendarId)}:${version}`;

/** Calendar versions read lately, per database (a test process runs many): a few hundred at most. */
const calendarsRead = new WeakMap<object, Map<string, BusinessCalendar>>();
const CALENDARS_KEPT = 500;

function knownCalendars(trx: Knex.Transaction): Map<string, BusinessCalendar> {
  // Each transaction has a client of its own; the configuration is the database's.
  const database = (trx.client as { config: object }).config;
  let known = calendarsRead.get(database);
  if (!known) {
    known = new Map();
    calendarsRead.set(database, known);
  }
  return known;
}

function remember(known: Map<string, BusinessCalendar>, key: string, calendar: BusinessCalendar): void {
  known.set(key, calendar);
  if (known.size > CALENDARS_KEPT) known.delete(known.keys().next().value as string);
}

function listIn<Item>(map: Map<string, Item[]>, key: string): Item[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}
