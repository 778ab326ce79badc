import { randomUUID } from 'node:crypto';
import type { CalendarDefinition } from '../../src/domain/sla/index.js';
import type { SlaTerms, TicketEvent } from '../../src/domain/ticket/index.js';
import type { EventStore, JsonObject } from '../../src/eventstore/types.js';

/**
 * A scripted week of one tenant's service desk, written to the log as the command handlers would
 * write it, with every instant fixed so that the expected figures can be worked out by hand.
 * Office hours are 09:00–17:00 UTC, Monday to Friday; 2026-11-02 is a Monday.
 *
 * A (P2, team one; first response 60, resolution 240 business minutes):
 *   Mon 09:00 opened · 09:10 assigned · 09:30 public reply by the agent (first response: 30, met)
 *   10:00–11:00 pending · 12:00 resolved (120 so far) · Tue 09:00 reopened · 12:00 resolved again
 *   (120 + 180 = 300 > 240: resolution breached).
 * B (P1, team two; 15 / 120): Mon 16:00 opened, nobody answers; the scheduler records the first
 *   response breach at 16:16. Still open.
 * C (P3 → P2, team one, no SLA): Tue 10:00 opened · 11:00 priority raised · Wed 10:00 cancelled.
 */
export interface Scenario {
  readonly tenantId: string;
  readonly teamOne: string;
  readonly teamTwo: string;
  readonly agent: string;
  readonly requester: string;
  readonly tickets: { readonly a: string; readonly b: string; readonly c: string };
}

const OFFICE = [{ start: '09:00', end: '17:00' }];
export const CALENDAR: CalendarDefinition = { timeZone: 'UTC', week: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE, sat: [], sun: [] }, holidays: [] };

/** `known`: a team and an agent made over the API, so that reports can name them; otherwise ids nothing names. */
export async function writeScenario(store: EventStore, tenantId: string, known: { readonly teamOne?: string; readonly agent?: string } = {}): Promise<Scenario> {
  const scenario: Scenario = {
    tenantId,
    teamOne: known.teamOne ?? randomUUID(),
    teamTwo: randomUUID(),
    agent: known.agent ?? randomUUID(),
    requester: randomUUID(),
    tickets: { a: randomUUID(), b: randomUUID(), c: randomUUID() },
  };
  const calendarId = randomUUID();
  const policyId = randomUUID();
  const append = (streamId: string, events: ReadonlyArray<{ type: string; data: object }>, expected: number | 'no_stream') =>
    store.appendToStream(
      streamId,
      events.map((event) => {
        const data = event.data as JsonObject;
        const occurredAt = typeof data.at === 'string' ? data.at : '2026-11-02T08:00:00.000Z';
        return { id: randomUUID(), type: event.type, data, metadata: { tenantId, actorId: scenario.agent, correlationId: randomUUID(), causationId: null, occurredAt } };
      }),
      expected,
    );
  await append(`businesscalendar-${calendarId}`, [{ type: 'CalendarDefined', data: { calendarId, tenantId, name: 'Office', calendar: CALENDAR, version: 1, at: '2026-11-01T08:00:00.000Z' } }], 'no_stream');

  const terms = (priority: 'P1' | 'P2', firstResponseMinutes: number, resolutionMinutes: number): SlaTerms => ({
    policyId,
    policyVersion: 1,
    calendarId,
    calendarVersion: 1,
    priority,
    firstResponseMinutes,
    resolutionMinutes,
    warningShare: 0.8,
  });
  const { a, b, c } = scenario.tickets;
  await append(
    `ticket-${a}`,
    [
      opened(scenario, a, 'INC-900001', 'P2', scenario.teamOne, '2026-11-02T09:00:00.000Z'),
      { type: 'TicketSlaApplied', data: { terms: terms('P2', 60, 240), reason: 'opened', at: '2026-11-02T09:00:00.000Z' } },
      { type: 'TicketAssigned', data: { assigneeId: scenario.agent, teamId: scenario.teamOne, previousAssigneeId: null, at: '2026-11-02T09:10:00.000Z' } },
      { type: 'TicketCommented', data: { commentId: randomUUID(), authorId: scenario.agent, body: 'On it.', internal: false, at: '2026-11-02T09:30:00.000Z', carriedFrom: null } },
      { type: 'TicketWorkStarted', data: { by: scenario.agent, at: '2026-11-02T09:31:00.000Z' } },
      { type: 'TicketPended', data: { reason: 'waiting for the vendor', at: '2026-11-02T10:00:00.000Z' } },
      { type: 'TicketResumed', data: { at: '2026-11-02T11:00:00.000Z' } },
      { type: 'TicketResolved', data: { code: 'fixed', notes: 'Replaced the cable.', by: scenario.agent, at: '2026-11-02T12:00:00.000Z' } },
      { type: 'TicketReopened', data: { reason: 'It broke again.', by: scenario.requester, status: 'in_progress', at: '2026-11-03T09:00:00.000Z' } },
      { type: 'TicketResolved', data: { code: 'fixed', notes: 'Replaced the switch.', by: scenario.agent, at: '2026-11-03T12:00:00.000Z' } },
    ] satisfies TicketEvent[],
    'no_stream',
  );
  await append(
    `ticket-${b}`,
    [
      opened(scenario, b, 'INC-900002', 'P1', scenario.teamTwo, '2026-11-02T16:00:00.000Z'),
      { type: 'TicketSlaApplied', data: { terms: terms('P1', 15, 120), reason: 'opened', at: '2026-11-02T16:00:00.000Z' } },
      { type: 'SlaBreached', data: { clock: 'firstResponse', dueAt: '2026-11-02T16:15:00.000Z', at: '2026-11-02T16:16:00.000Z' } },
    ] satisfies TicketEvent[],
    'no_stream',
  );
  await append(
    `ticket-${c}`,
    [
      opened(scenario, c, 'INC-900003', 'P3', scenario.teamOne, '2026-11-03T10:00:00.000Z'),
      { type: 'TicketPriorityChanged', data: { priority: 'P2', previous: 'P3', reason: 'more people affected', overridden: true, at: '2026-11-03T11:00:00.000Z' } },
      { type: 'TicketCancelled', data: { reason: 'raised twice', by: scenario.requester, at: '2026-11-04T10:00:00.000Z' } },
    ] satisfies TicketEvent[],
    'no_stream',
  );
  return scenario;
}

function opened(scenario: Scenario, ticketId: string, number: string, priority: 'P1' | 'P2' | 'P3', teamId: string, at: string): TicketEvent {
  return {
    type: 'TicketOpened',
    data: {
      ticketId,
      tenantId: scenario.tenantId,
      number,
      type: 'incident',
      title: `Scripted ticket ${number}`,
      description: 'Part of the reporting scenario.',
      impact: 'medium',
      urgency: 'medium',
      priority,
      requesterId: scenario.requester,
      teamId,
      categoryId: null,
      serviceId: null,
      tags: [],
      assetIds: [],
      risk: null,
      plannedStart: null,
      plannedEnd: null,
      openedBy: scenario.requester,
      at,
    },
  };
}
