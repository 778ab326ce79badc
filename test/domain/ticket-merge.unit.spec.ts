import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import { STATUSES, isOpen, ticketDecider } from '../../src/domain/ticket/index.js';
import type { MergeInto, MergeTarget, TicketEvent } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at, commented, deleted, earlier, fold, historyTo, ids, now, watcherAdded } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);
const mergeLink = '1e1e1e1e-0000-4000-8000-000000000031';
const copy = 'c0c0c0c0-0000-4000-8000-0000000000c1';

/** The other ticket as the caller found it: open and live unless the test says otherwise. */
const target = (overrides: Partial<NonNullable<MergeTarget>> = {}): MergeTarget => ({ id: ids.otherTicket, number: 'INC-000002', status: 'in_progress', deleted: false, mergedInto: null, ...overrides });
const mergeInto = (master: MergeTarget): MergeInto => ({ type: 'MergeInto', master, linkId: mergeLink, actorId: ids.agent, now });
const mergedEvents = (masterId: string = ids.otherTicket): TicketEvent[] => [
  { type: 'TicketLinked', data: { linkId: mergeLink, kind: 'duplicate_of', targetId: masterId, at } },
  { type: 'TicketMergedInto', data: { masterId, by: ids.agent, at } },
];

// ---------------------------------------------------------------------------------------------

const merging = suite('ticket merge: when an open duplicate is merged');

merging('closes it with a duplicate_of link to the master, remembering the status it had', () => {
  const given = historyTo('incident', 'pending');
  spec.given(given).when(mergeInto(target())).then(mergedEvents());
  const state = fold([...given, ...mergedEvents()]);
  assert.equal([state.status, state.mergedInto], ['closed', { masterId: ids.otherTicket, statusBefore: 'pending' }]);
});

merging('accepts a resolved master: it may still be reopened', () => {
  spec.given(historyTo('incident', 'new')).when(mergeInto(target({ status: 'resolved' }))).then(mergedEvents());
});

merging('refuses a master that does not exist in the tenant with a 400 on masterId', () => {
  spec.given(historyTo('incident', 'new')).when(mergeInto(null)).thenThrows(ValidationError, /no such ticket to merge into/);
});

const refusals: Array<[string, MergeTarget, RegExp]> = [
  ['the ticket itself', target({ id: ids.ticket, number: 'INC-000001' }), /a ticket cannot be merged into itself/],
  ['a closed master', target({ status: 'closed' }), /cannot merge into INC-000002: it is closed/],
  ['a cancelled master', target({ status: 'cancelled' }), /cannot merge into INC-000002: it is cancelled/],
  ['a deleted master', target({ deleted: true }), /cannot merge into INC-000002: it is deleted/],
  ['a master merged into this very ticket (a circle)', target({ status: 'closed', mergedInto: ids.ticket }), /it was merged into INC-000001, so this merge would go in a circle; undo that merge instead/],
  ['a master merged into a third ticket', target({ status: 'closed', mergedInto: '0b9d4a10-0000-4000-8000-000000000009' }), /it is itself merged into another ticket; merge into that one/],
];
for (const [what, master, message] of refusals) {
  merging(`refuses ${what} with a 409 that says why`, () => {
    spec.given(historyTo('incident', 'in_progress')).when(mergeInto(master)).thenThrows(IllegalStateError, message);
  });
}

merging.run();

// ---------------------------------------------------------------------------------------------

const mergedAlready = suite('ticket merge: when the duplicate is already merged');

mergedAlready('refuses a second merge, saying to undo the first', () => {
  spec.given([...historyTo('incident', 'new'), ...mergedEvents()]).when(mergeInto(target({ id: '0b9d4a10-0000-4000-8000-000000000009' }))).thenThrows(IllegalStateError, /INC-000001 is already merged into another ticket; undo that merge first/);
});

mergedAlready('takes no conversation in: the circular merge INC-4 → INC-3 → INC-4 stops here', () => {
  // This ticket was merged into the other; copying the other's conversation back in would lose both.
  const absorb = { type: 'AbsorbConversation' as const, fromTicketId: ids.otherTicket, comments: [{ commentId: copy, authorId: ids.requester, body: 'hello', internal: false }], watcherIds: [], now };
  spec.given([...historyTo('incident', 'new'), ...mergedEvents()]).when(absorb).thenThrows(IllegalStateError, /cannot merge into INC-000001: it is itself merged/);
});

mergedAlready.run();

// ---------------------------------------------------------------------------------------------

const master = suite('ticket merge: the master');

master('takes copies marked with the duplicate, and the watchers the merge brings, marked too', () => {
  const absorb = { type: 'AbsorbConversation' as const, fromTicketId: ids.otherTicket, comments: [{ commentId: copy, authorId: ids.requester, body: 'hello', internal: false }], watcherIds: [ids.requester, ids.manager], now };
  const given = [...historyTo('incident', 'in_progress'), watcherAdded(ids.manager)];
  const expected: TicketEvent[] = [
    { type: 'TicketCommented', data: { commentId: copy, authorId: ids.requester, body: 'hello', internal: false, at, carriedFrom: ids.otherTicket } },
    { type: 'TicketWatcherAdded', data: { userId: ids.requester, at, carriedFrom: ids.otherTicket } },
  ];
  spec.given(given).when(absorb).then(expected);
  assert.equal(fold([...given, ...expected]).carriedWatchers, [{ userId: ids.requester, fromTicketId: ids.otherTicket }]);
});

for (const status of ['closed', 'cancelled'] as const) {
  master(`takes nothing in when it is ${status}`, () => {
    const absorb = { type: 'AbsorbConversation' as const, fromTicketId: ids.otherTicket, comments: [], watcherIds: [ids.requester], now };
    spec.given(historyTo('incident', status)).when(absorb).thenThrows(IllegalStateError, new RegExp(`it is ${status}`));
  });
}

master.run();

// ---------------------------------------------------------------------------------------------

const undoing = suite('ticket merge: when a merge is undone on the duplicate');
const undo = { type: 'UndoMerge' as const, reason: 'merged by mistake', actorId: ids.manager, now };

for (const status of STATUSES.filter(isOpen)) {
  undoing(`reopens it ${status.replace('_', ' ')}, as it was before the merge, and drops the duplicate_of link`, () => {
    const given = [...historyTo('incident', status), ...mergedEvents()];
    const expected: TicketEvent[] = [
      { type: 'TicketUnlinked', data: { linkId: mergeLink, at } },
      { type: 'TicketUnmerged', data: { masterId: ids.otherTicket, status, reason: 'merged by mistake', by: ids.manager, at } },
    ];
    spec.given(given).when(undo).then(expected);
    const state = fold([...given, ...expected]);
    assert.equal([state.status, state.mergedInto, state.links], [status, null, []]);
  });
}

undoing('refuses a ticket that was never merged', () => {
  spec.given(historyTo('incident', 'closed')).when(undo).thenThrows(IllegalStateError, /INC-000001 was not merged into another ticket; there is nothing to undo/);
});

undoing('wants a reason', () => {
  spec.given([...historyTo('incident', 'new'), ...mergedEvents()]).when({ ...undo, reason: '  ' }).thenThrows(ValidationError, /a reason is required/);
});

undoing('can be merged again afterwards', () => {
  const given = [...historyTo('incident', 'new'), ...mergedEvents(), { type: 'TicketUnlinked' as const, data: { linkId: mergeLink, at: earlier } }, { type: 'TicketUnmerged' as const, data: { masterId: ids.otherTicket, status: 'new' as const, reason: 'oops', by: ids.manager, at: earlier } }];
  spec.given(given).when(mergeInto(target())).then(mergedEvents());
});

undoing.run();

// ---------------------------------------------------------------------------------------------

const withdrawing = suite('ticket merge: when a merge is undone on the master');
const withdraw = { type: 'WithdrawConversation' as const, fromTicketId: ids.otherTicket, actorId: ids.manager, now };
const carriedComment: TicketEvent = { type: 'TicketCommented', data: { commentId: copy, authorId: ids.requester, body: 'hello', internal: false, at: earlier, carriedFrom: ids.otherTicket } };
const carriedWatcher: TicketEvent = { type: 'TicketWatcherAdded', data: { userId: ids.requester, at: earlier, carriedFrom: ids.otherTicket } };
const absorbed = [...historyTo('incident', 'in_progress'), commented(), watcherAdded(ids.manager), carriedComment, carriedWatcher];

withdrawing('takes back the copies and the watchers that merge brought, keeping its own', () => {
  const expected: TicketEvent[] = [
    { type: 'TicketConversationWithdrawn', data: { fromTicketId: ids.otherTicket, commentIds: [copy], by: ids.manager, at } },
    { type: 'TicketWatcherRemoved', data: { userId: ids.requester, at } },
  ];
  spec.given(absorbed).when(withdraw).then(expected);
  const state = fold([...absorbed, ...expected]);
  assert.equal([state.comments.map((comment) => comment.id), state.watchers, state.carriedWatchers], [[ids.comment], [ids.manager], []]);
});

withdrawing('records nothing the second time (a retried undo)', () => {
  const once: TicketEvent[] = [
    { type: 'TicketConversationWithdrawn', data: { fromTicketId: ids.otherTicket, commentIds: [copy], by: ids.manager, at } },
    { type: 'TicketWatcherRemoved', data: { userId: ids.requester, at } },
  ];
  spec.given([...absorbed, ...once]).when(withdraw).then([]);
});

withdrawing('leaves a watcher alone who stopped watching since', () => {
  const given = [...absorbed, { type: 'TicketWatcherRemoved' as const, data: { userId: ids.requester, at: earlier } }];
  spec.given(given).when(withdraw).then([{ type: 'TicketConversationWithdrawn', data: { fromTicketId: ids.otherTicket, commentIds: [copy], by: ids.manager, at } }]);
});

withdrawing('still takes the copies back from a master deleted since, so a restore does not show them', () => {
  spec.given([...absorbed, deleted()]).when(withdraw).then([
    { type: 'TicketConversationWithdrawn', data: { fromTicketId: ids.otherTicket, commentIds: [copy], by: ids.manager, at } },
    { type: 'TicketWatcherRemoved', data: { userId: ids.requester, at } },
  ]);
});

withdrawing.run();

// ---------------------------------------------------------------------------------------------

const withProblem = suite('ticket: when the problem behind an incident is resolved');
const resolveWithProblem = { type: 'ResolveWithProblem' as const, problemNumber: 'PRB-000007', actorId: ids.agent, now };

for (const status of STATUSES) {
  if (isOpen(status)) {
    withProblem(`resolves it from ${status.replace('_', ' ')}, naming the problem`, () => {
      spec.given(historyTo('incident', status)).when(resolveWithProblem).then([{ type: 'TicketResolved', data: { code: 'problem_resolved', notes: 'Resolved with problem PRB-000007', by: ids.agent, at } }]);
    });
  } else {
    withProblem(`leaves it ${status} and says so`, () => {
      spec.given(historyTo('incident', status)).when(resolveWithProblem).thenThrows(IllegalStateError, new RegExp(`INC-000001 is ${status} already`));
    });
  }
}

withProblem.run();
