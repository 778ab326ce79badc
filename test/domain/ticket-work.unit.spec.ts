import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import type { TicketEvent } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { DAY, HOUR, approvalRequested, approved, assigned, at, before, fold, historyTo, ids, now, opened, rejected, resolved, workStarted } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);

function fieldPaths(error: unknown): string[] {
  if (!(error instanceof ValidationError)) throw new Error('expected a ValidationError');
  return error.errors.map((e) => e.path);
}

// ---------------------------------------------------------------------------------------------

const start = suite('ticket: when work starts');

start('auto-assigns the starter when nobody is assigned', () => {
  spec
    .given([opened('incident')])
    .when({ type: 'StartWork', actorId: ids.agent, now })
    .then([
      { type: 'TicketAssigned', data: { assigneeId: ids.agent, teamId: ids.team, previousAssigneeId: null, at } },
      { type: 'TicketWorkStarted', data: { by: ids.agent, at } },
    ]);
});

start('keeps the assignee when someone else starts the work', () => {
  const given = [opened('incident'), assigned(ids.otherAgent)];
  spec
    .given(given)
    .when({ type: 'StartWork', actorId: ids.agent, now })
    .then([{ type: 'TicketWorkStarted', data: { by: ids.agent, at } }]);
  const state = fold([...given, workStarted(ids.agent, at)]);
  assert.is(state.assigneeId, ids.otherAgent);
  assert.is(state.status, 'in_progress');
});

start('starts a service request without any approval', () => {
  spec
    .given([opened('service_request'), assigned()])
    .when({ type: 'StartWork', actorId: ids.agent, now })
    .then([{ type: 'TicketWorkStarted', data: { by: ids.agent, at } }]);
});

start('refuses a change whose approval was never requested', () => {
  const error = spec
    .given([opened('change'), assigned()])
    .when({ type: 'StartWork', actorId: ids.agent, now })
    .thenThrows(IllegalStateError, /request it first/);
  assert.equal((error as IllegalStateError).details, { approvals: null });
});

start('refuses a change that an approver rejected', () => {
  spec
    .given([opened('change'), assigned(), approvalRequested([ids.manager, ids.otherManager]), approved(ids.manager), rejected(ids.otherManager)])
    .when({ type: 'StartWork', actorId: ids.agent, now })
    .thenThrows(IllegalStateError, /rejected/);
});

start('refuses a change while an approver has not decided', () => {
  spec
    .given([opened('change'), assigned(), approvalRequested([ids.manager, ids.otherManager]), approved(ids.manager)])
    .when({ type: 'StartWork', actorId: ids.agent, now })
    .thenThrows(IllegalStateError, /waiting for approvals/);
});

start('starts a change once every approver approved', () => {
  spec
    .given([opened('change'), assigned(), approvalRequested([ids.manager, ids.otherManager]), approved(ids.manager), approved(ids.otherManager)])
    .when({ type: 'StartWork', actorId: ids.agent, now })
    .then([{ type: 'TicketWorkStarted', data: { by: ids.agent, at } }]);
});

start.run();

// ---------------------------------------------------------------------------------------------

const assign = suite('ticket: when it is assigned');

assign('records the assignee, the team and who had it before', () => {
  spec
    .given([opened('incident')])
    .when({ type: 'AssignTicket', assigneeId: ids.agent, teamId: ids.team, assigneeEligible: true, assigneeInTeam: true, now })
    .then([{ type: 'TicketAssigned', data: { assigneeId: ids.agent, teamId: ids.team, previousAssigneeId: null, at } }]);
});

assign('rejects an assignee who is not an active agent of the tenant', () => {
  const error = spec
    .given([opened('incident')])
    .when({ type: 'AssignTicket', assigneeId: ids.requester, teamId: ids.team, assigneeEligible: false, assigneeInTeam: true, now })
    .thenThrows(ValidationError, /active technician or manager/);
  assert.equal(fieldPaths(error), ['/assigneeId']);
});

assign('rejects an assignee who is not a member of the team', () => {
  const error = spec
    .given([opened('incident')])
    .when({ type: 'AssignTicket', assigneeId: ids.agent, teamId: ids.otherTeam, assigneeEligible: true, assigneeInTeam: false, now })
    .thenThrows(ValidationError, /member of the team/);
  assert.equal(fieldPaths(error), ['/assigneeId']);
});

assign('accepts an assignee without a team, where team membership does not apply', () => {
  spec
    .given([opened('incident', { teamId: null })])
    .when({ type: 'AssignTicket', assigneeId: ids.agent, teamId: null, assigneeEligible: true, assigneeInTeam: false, now })
    .then([{ type: 'TicketAssigned', data: { assigneeId: ids.agent, teamId: null, previousAssigneeId: null, at } }]);
});

assign('unassigning an assigned ticket returns it to new', () => {
  const given = [opened('incident'), assigned()];
  const unassigned: TicketEvent = { type: 'TicketAssigned', data: { assigneeId: null, teamId: ids.team, previousAssigneeId: ids.agent, at } };
  spec
    .given(given)
    .when({ type: 'AssignTicket', assigneeId: null, teamId: ids.team, assigneeEligible: false, assigneeInTeam: false, now })
    .then([unassigned]);
  const state = fold([...given, unassigned]);
  assert.is(state.status, 'new');
  assert.is(state.assigneeId, null);
});

assign('records nothing when the same assignee and team are assigned again', () => {
  spec
    .given([opened('incident'), assigned()])
    .when({ type: 'AssignTicket', assigneeId: ids.agent, teamId: ids.team, assigneeEligible: true, assigneeInTeam: true, now })
    .then([]);
});

assign('moves the same assignee to another team', () => {
  spec
    .given([opened('incident'), assigned()])
    .when({ type: 'AssignTicket', assigneeId: ids.agent, teamId: ids.otherTeam, assigneeEligible: true, assigneeInTeam: true, now })
    .then([{ type: 'TicketAssigned', data: { assigneeId: ids.agent, teamId: ids.otherTeam, previousAssigneeId: ids.agent, at } }]);
});

assign.run();

// ---------------------------------------------------------------------------------------------

const pend = suite('ticket: when work is pended');

pend('records the reason, trimmed', () => {
  spec
    .given(historyTo('incident', 'in_progress'))
    .when({ type: 'PendTicket', reason: '  waiting for the caller  ', now })
    .then([{ type: 'TicketPended', data: { reason: 'waiting for the caller', at } }]);
});

pend('rejects a pend without a reason', () => {
  const error = spec.given(historyTo('incident', 'in_progress')).when({ type: 'PendTicket', reason: '   ', now }).thenThrows(ValidationError, /reason/);
  assert.equal(fieldPaths(error), ['/reason']);
});

pend.run();

// ---------------------------------------------------------------------------------------------

const resolve = suite('ticket: when it is resolved');
const inProgress = historyTo('incident', 'in_progress');

resolve('records the code, the notes and the resolver', () => {
  spec
    .given(inProgress)
    .when({ type: 'ResolveTicket', code: ' known_error_2 ', notes: '  Applied the documented workaround.  ', actorId: ids.agent, now })
    .then([{ type: 'TicketResolved', data: { code: 'known_error_2', notes: 'Applied the documented workaround.', by: ids.agent, at } }]);
});

resolve('accepts a code of exactly 50 characters', () => {
  const code = 'a'.repeat(50);
  spec
    .given(inProgress)
    .when({ type: 'ResolveTicket', code, notes: 'done', actorId: ids.agent, now })
    .then([{ type: 'TicketResolved', data: { code, notes: 'done', by: ids.agent, at } }]);
});

for (const [code, why] of [
  ['', 'an empty code'],
  ['Fixed', 'a code with capitals'],
  ['fixed-it', 'a code with a hyphen'],
  ['fixed it', 'a code with a space'],
  ['a'.repeat(51), 'a code longer than 50 characters'],
] as const) {
  resolve(`rejects ${why}`, () => {
    const error = spec.given(inProgress).when({ type: 'ResolveTicket', code, notes: 'done', actorId: ids.agent, now }).thenThrows(ValidationError, /resolution code/);
    assert.equal(fieldPaths(error), ['/code']);
  });
}

resolve('rejects a resolution without notes', () => {
  const error = spec.given(inProgress).when({ type: 'ResolveTicket', code: 'fixed', notes: '  ', actorId: ids.agent, now }).thenThrows(ValidationError, /resolution notes/);
  assert.equal(fieldPaths(error), ['/notes']);
});

resolve.run();

// ---------------------------------------------------------------------------------------------

const reopen = suite('ticket: when a resolved ticket is reopened');
const WINDOW = 7 * DAY;

reopen('goes back to in progress within the window when someone is assigned', () => {
  const given = historyTo('incident', 'resolved', { resolvedAt: before(6 * DAY) });
  const reopened: TicketEvent = { type: 'TicketReopened', data: { reason: 'it jammed again', by: ids.requester, status: 'in_progress', at } };
  spec
    .given(given)
    .when({ type: 'ReopenTicket', reason: ' it jammed again ', actorId: ids.requester, reopenWindowMs: WINDOW, now })
    .then([reopened]);
  const state = fold([...given, reopened]);
  assert.is(state.status, 'in_progress');
  assert.is(state.resolvedAt, null);
});

reopen('goes back to new within the window when nobody is assigned', () => {
  const unassigned: TicketEvent = { type: 'TicketAssigned', data: { assigneeId: null, teamId: ids.team, previousAssigneeId: ids.agent, at: before(3 * HOUR) } };
  const given = [opened('incident'), assigned(), workStarted(), unassigned, resolved(before(HOUR))];
  const reopened: TicketEvent = { type: 'TicketReopened', data: { reason: 'it jammed again', by: ids.requester, status: 'new', at } };
  spec
    .given(given)
    .when({ type: 'ReopenTicket', reason: 'it jammed again', actorId: ids.requester, reopenWindowMs: WINDOW, now })
    .then([reopened]);
  assert.is(fold([...given, reopened]).status, 'new');
});

reopen('is refused once the window has passed', () => {
  const error = spec
    .given(historyTo('incident', 'resolved', { resolvedAt: before(8 * DAY) }))
    .when({ type: 'ReopenTicket', reason: 'it jammed again', actorId: ids.requester, reopenWindowMs: WINDOW, now })
    .thenThrows(IllegalStateError, /reopen window has passed/);
  assert.equal((error as IllegalStateError).details, { currentStatus: 'resolved', reopenWindowMs: WINDOW });
});

reopen('rejects a reopen without a reason', () => {
  spec
    .given(historyTo('incident', 'resolved'))
    .when({ type: 'ReopenTicket', reason: '', actorId: ids.requester, reopenWindowMs: WINDOW, now })
    .thenThrows(ValidationError, /reason/);
});

reopen.run();

// ---------------------------------------------------------------------------------------------

const cancel = suite('ticket: when it is cancelled');

cancel('records the reason, trimmed, and who cancelled', () => {
  spec
    .given(historyTo('incident', 'assigned'))
    .when({ type: 'CancelTicket', reason: '  raised twice ', actorId: ids.requester, now })
    .then([{ type: 'TicketCancelled', data: { reason: 'raised twice', by: ids.requester, at } }]);
});

cancel('rejects a cancellation without a reason', () => {
  const error = spec.given(historyTo('incident', 'assigned')).when({ type: 'CancelTicket', reason: ' ', actorId: ids.requester, now }).thenThrows(ValidationError, /reason/);
  assert.equal(fieldPaths(error), ['/reason']);
});

cancel.run();
