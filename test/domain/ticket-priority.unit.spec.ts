import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import type { Level, Priority } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at, fold, historyTo, now, openTicket, opened } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);

/** ITIL impact (rows) × urgency (columns), written out by hand. */
const MATRIX: ReadonlyArray<[Level, Level, Priority]> = [
  ['high', 'high', 'P1'],
  ['high', 'medium', 'P2'],
  ['high', 'low', 'P3'],
  ['medium', 'high', 'P2'],
  ['medium', 'medium', 'P3'],
  ['medium', 'low', 'P4'],
  ['low', 'high', 'P3'],
  ['low', 'medium', 'P4'],
  ['low', 'low', 'P5'],
];

const opening = suite('ticket priority: when a ticket is opened');

for (const [impact, urgency, priority] of MATRIX) {
  opening(`gives ${impact} impact and ${urgency} urgency priority ${priority}`, () => {
    spec
      .given([])
      .when(openTicket('incident', { impact, urgency }))
      .then([opened('incident', { impact, urgency, priority, at })]);
  });
}

opening.run();

const updating = suite('ticket priority: when impact or urgency is updated');
const mediumMedium = [opened('incident')]; // P3

updating('moves the priority along the matrix when the impact rises', () => {
  spec
    .given(mediumMedium)
    .when({ type: 'UpdateTicket', changes: { impact: 'high' }, now })
    .then([
      { type: 'TicketUpdated', data: { changes: { impact: 'high' }, at } },
      { type: 'TicketPriorityChanged', data: { priority: 'P2', previous: 'P3', reason: null, overridden: false, at } },
    ]);
});

updating('moves the priority along the matrix when the urgency falls', () => {
  spec
    .given(mediumMedium)
    .when({ type: 'UpdateTicket', changes: { urgency: 'low' }, now })
    .then([
      { type: 'TicketUpdated', data: { changes: { urgency: 'low' }, at } },
      { type: 'TicketPriorityChanged', data: { priority: 'P4', previous: 'P3', reason: null, overridden: false, at } },
    ]);
});

updating('records no priority change when the new pair lands on the same priority', () => {
  spec
    .given(mediumMedium)
    .when({ type: 'UpdateTicket', changes: { impact: 'high', urgency: 'low' }, now })
    .then([{ type: 'TicketUpdated', data: { changes: { impact: 'high', urgency: 'low' }, at } }]);
});

updating.run();

const override = suite('ticket priority: when a manager overrides it');
const overriddenToP1 = [...mediumMedium, { type: 'TicketPriorityChanged' as const, data: { priority: 'P1' as const, previous: 'P3' as const, reason: 'the CEO is waiting', overridden: true, at } }];

override('pins the priority with the reason', () => {
  spec
    .given(mediumMedium)
    .when({ type: 'OverridePriority', priority: 'P1', reason: '  the CEO is waiting  ', now })
    .then([{ type: 'TicketPriorityChanged', data: { priority: 'P1', previous: 'P3', reason: 'the CEO is waiting', overridden: true, at } }]);
  const state = fold(overriddenToP1);
  assert.is(state.priority, 'P1');
  assert.is(state.priorityOverridden, true);
});

override('can pin the priority the matrix already gave', () => {
  spec
    .given(mediumMedium)
    .when({ type: 'OverridePriority', priority: 'P3', reason: 'keep it at P3 whatever the caller says', now })
    .then([{ type: 'TicketPriorityChanged', data: { priority: 'P3', previous: 'P3', reason: 'keep it at P3 whatever the caller says', overridden: true, at } }]);
});

override('records nothing when the same pinned priority is overridden again', () => {
  spec.given(overriddenToP1).when({ type: 'OverridePriority', priority: 'P1', reason: 'still urgent', now }).then([]);
});

override('then an impact change no longer moves the priority', () => {
  spec
    .given(overriddenToP1)
    .when({ type: 'UpdateTicket', changes: { impact: 'low' }, now })
    .then([{ type: 'TicketUpdated', data: { changes: { impact: 'low' }, at } }]);
  const state = fold([...overriddenToP1, { type: 'TicketUpdated', data: { changes: { impact: 'low' }, at } }]);
  assert.is(state.impact, 'low');
  assert.is(state.priority, 'P1');
});

override('rejects an override without a reason', () => {
  const error = spec.given(mediumMedium).when({ type: 'OverridePriority', priority: 'P1', reason: '   ', now }).thenThrows(ValidationError, /reason/);
  assert.equal((error as ValidationError).errors.map((e) => e.path), ['/reason']);
});

// Suspected bug: UpdateTicket refuses to touch a closed, cancelled or resolved ticket, but
// OverridePriority has no such guard, so a finished ticket's priority (and its SLA report) can still change.
for (const status of ['resolved', 'closed', 'cancelled'] as const) {
  override(`refuses an override once the ticket is ${status}`, () => {
    spec.given(historyTo('incident', status)).when({ type: 'OverridePriority', priority: 'P1', reason: 'escalated late', now }).thenThrows(IllegalStateError);
  });
}

override.run();
