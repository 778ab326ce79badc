import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { SlaTerms, TicketEvent } from '../../src/domain/ticket/index.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { HOUR, at, before, fold, ids, now, opened, resolved, workStarted } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);
const terms: SlaTerms = { policyId: ids.otherTicket, policyVersion: 1, calendarId: ids.team, calendarVersion: 1, priority: 'P3', firstResponseMinutes: 60, resolutionMinutes: 480, warningShare: 0.8 };
const applied = (with_: SlaTerms = terms): TicketEvent => ({ type: 'TicketSlaApplied', data: { terms: with_, reason: 'opened', at: before(3 * HOUR) } });
const dueAt = new Date(now.getTime() + HOUR);
const warningAt = new Date(now.getTime() - HOUR);
const warned: TicketEvent = { type: 'SlaWarningReached', data: { clock: 'resolution', dueAt: dueAt.toISOString(), warningAt: warningAt.toISOString(), at } };
const breached: TicketEvent = { type: 'SlaBreached', data: { clock: 'resolution', dueAt: dueAt.toISOString(), at } };

/** Worked on, resolved and reopened within the last hour. */
const reopenedAfterResolve = (): TicketEvent[] => [
  workStarted(ids.agent, before(HOUR)),
  resolved(before(HOUR / 2)),
  { type: 'TicketReopened', data: { reason: 'still broken', by: ids.requester, status: 'in_progress', at: before(HOUR / 4) } },
];

const test = suite('ticket: SLA warnings and breaches');

test('records a warning once; a repeat (another scheduler, a retry) records nothing', () => {
  spec.given([opened(), applied()]).when({ type: 'RecordSlaWarning', clock: 'resolution', dueAt, warningAt, now }).then([warned]);
  spec.given([opened(), applied(), warned]).when({ type: 'RecordSlaWarning', clock: 'resolution', dueAt, warningAt, now }).then([]);
});

test('records a breach once per clock', () => {
  spec.given([opened(), applied(), warned]).when({ type: 'RecordSlaBreach', clock: 'resolution', dueAt, now }).then([breached]);
  spec.given([opened(), applied(), warned, breached]).when({ type: 'RecordSlaBreach', clock: 'resolution', dueAt, now }).then([]);
  spec
    .given([opened(), applied(), breached])
    .when({ type: 'RecordSlaBreach', clock: 'firstResponse', dueAt, now })
    .then([{ type: 'SlaBreached', data: { clock: 'firstResponse', dueAt: dueAt.toISOString(), at } }]);
});

test('a warning while the clock is paused carries no due instant', () => {
  spec
    .given([opened(), applied()])
    .when({ type: 'RecordSlaWarning', clock: 'firstResponse', dueAt: null, warningAt, now })
    .then([{ type: 'SlaWarningReached', data: { clock: 'firstResponse', dueAt: null, warningAt: warningAt.toISOString(), at } }]);
});

test('records nothing for a ticket that runs under no SLA', () => {
  spec.given([opened()]).when({ type: 'RecordSlaBreach', clock: 'resolution', dueAt, now }).then([]);
});

test('new terms re-arm the alerts; a reopen does not', () => {
  const stricter = { ...terms, priority: 'P1' as const, resolutionMinutes: 240 };
  spec.given([opened(), applied(), breached, applied(stricter)]).when({ type: 'RecordSlaBreach', clock: 'resolution', dueAt, now }).then([breached]);
  spec.given([opened(), applied(), breached, ...reopenedAfterResolve()]).when({ type: 'RecordSlaBreach', clock: 'resolution', dueAt, now }).then([]);
  assert.equal(fold([opened(), applied(), warned, breached]).slaAlerts, ['resolution:warning', 'resolution:breach']);
});

test.run();
