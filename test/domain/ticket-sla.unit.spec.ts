import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { SlaTerms, TicketEvent } from '../../src/domain/ticket/index.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at, fold, ids, now, opened } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);
const terms: SlaTerms = { policyId: ids.otherTicket, policyVersion: 1, calendarId: ids.team, calendarVersion: 2, priority: 'P2', firstResponseMinutes: 30, resolutionMinutes: 480, warningShare: 0.8 };
const applied: TicketEvent = { type: 'TicketSlaApplied', data: { terms, reason: 'opened', at } };

const test = suite('ticket: SLA terms');

test('records the terms the ticket runs under', () => {
  spec.given([opened()]).when({ type: 'ApplySla', terms, reason: 'opened', now }).then([applied]);
  assert.equal((fold([opened(), applied]) as { sla: SlaTerms }).sla, terms);
});

test('records nothing when the terms are the same or no policy applies', () => {
  spec.given([opened(), applied]).when({ type: 'ApplySla', terms, reason: 'priority_changed', now }).then([]);
  spec.given([opened()]).when({ type: 'ApplySla', terms: null, reason: 'opened', now }).then([]);
});

test('records nothing for the same terms read back in another key order (jsonb sorts keys)', () => {
  const reordered = Object.fromEntries(Object.entries(terms).reverse()) as SlaTerms;
  spec.given([opened(), { type: 'TicketSlaApplied', data: { terms: reordered, reason: 'opened', at } }]).when({ type: 'ApplySla', terms, reason: 'ticket_changed', now }).then([]);
});

test('records new terms when the priority moved the targets', () => {
  const next = { ...terms, priority: 'P1' as const, firstResponseMinutes: 15, resolutionMinutes: 240 };
  spec.given([opened(), applied]).when({ type: 'ApplySla', terms: next, reason: 'priority_changed', now }).then([{ type: 'TicketSlaApplied', data: { terms: next, reason: 'priority_changed', at } }]);
});

test.run();
