import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, NotFoundError } from '../../src/domain/errors.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import type { TicketCommand, TicketEvent } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { DAY, at, commented, deleted, fold, historyTo, ids, linked, now, openTicket, opened, restored, watcherAdded } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);

type CommandType = TicketCommand['type'];
// Withdrawing what an undone merge copied in reaches a deleted master too (see merge.unit.spec.ts).
type Hidden = Exclude<CommandType, 'OpenTicket' | 'RestoreTicket' | 'WithdrawConversation'>;

/** One well-formed command of every type a deleted ticket must not answer; the compiler keeps the list complete. */
const COMMANDS: { readonly [K in Hidden]: Extract<TicketCommand, { type: K }> } = {
  UpdateTicket: { type: 'UpdateTicket', changes: { title: 'New title' }, now },
  OverridePriority: { type: 'OverridePriority', priority: 'P1', reason: 'urgent', now },
  AssignTicket: { type: 'AssignTicket', assigneeId: ids.otherAgent, teamId: ids.team, assigneeEligible: true, assigneeInTeam: true, now },
  StartWork: { type: 'StartWork', actorId: ids.agent, now },
  PendTicket: { type: 'PendTicket', reason: 'waiting', now },
  ResumeTicket: { type: 'ResumeTicket', now },
  ResolveTicket: { type: 'ResolveTicket', code: 'fixed', notes: 'done', actorId: ids.agent, now },
  CloseTicket: { type: 'CloseTicket', actorId: ids.agent, now },
  ReopenTicket: { type: 'ReopenTicket', reason: 'again', actorId: ids.requester, reopenWindowMs: 7 * DAY, now },
  CancelTicket: { type: 'CancelTicket', reason: 'no longer needed', actorId: ids.requester, now },
  AddComment: { type: 'AddComment', commentId: 'c0c0c0c0-0000-4000-8000-000000000002', authorId: ids.agent, body: 'Hello?', internal: false, now },
  EditComment: { type: 'EditComment', commentId: ids.comment, editorId: ids.agent, body: 'Edited.', editWindowMs: 7 * DAY, now },
  AddWatcher: { type: 'AddWatcher', userId: ids.otherManager, now },
  RemoveWatcher: { type: 'RemoveWatcher', userId: ids.manager, now },
  RequestApproval: { type: 'RequestApproval', approverIds: [ids.manager], approversEligible: true, actorId: ids.agent, now },
  DecideApproval: { type: 'DecideApproval', approverId: ids.manager, decision: 'approved', comment: '', now },
  LinkTicket: { type: 'LinkTicket', linkId: '1e1e1e1e-0000-4000-8000-000000000002', kind: 'parent_of', targetId: ids.otherTicket, targetExists: true, now },
  UnlinkTicket: { type: 'UnlinkTicket', linkId: ids.link, now },
  AddAttachment: { type: 'AddAttachment', attachmentId: 'a77ac400-0000-4000-8000-000000000001', sha256: 'ab'.repeat(32), size: 3, mediaType: 'text/plain', filename: 'notes.txt', uploadedBy: ids.agent, now },
  AbsorbConversation: { type: 'AbsorbConversation', fromTicketId: ids.otherTicket, comments: [], watcherIds: [ids.otherManager], now },
  MergeInto: { type: 'MergeInto', master: { id: ids.otherTicket, number: 'INC-000002', status: 'new', deleted: false, mergedInto: null }, linkId: '1e1e1e1e-0000-4000-8000-000000000003', actorId: ids.manager, now },
  UndoMerge: { type: 'UndoMerge', reason: 'merged by mistake', actorId: ids.manager, now },
  ResolveWithProblem: { type: 'ResolveWithProblem', problemNumber: 'PRB-000001', actorId: ids.agent, now },
  SplitOffComments: { type: 'SplitOffComments', commentIds: [ids.comment], newTicketId: ids.otherTicket, linkId: '1e1e1e1e-0000-4000-8000-000000000004', actorId: ids.agent, now },
  ApplySla: { type: 'ApplySla', terms: { policyId: ids.otherTicket, policyVersion: 1, calendarId: ids.otherTicket, calendarVersion: 1, priority: 'P3', firstResponseMinutes: 60, resolutionMinutes: 480, warningShare: 0.8 }, reason: 'opened', now },
  RecordSlaWarning: { type: 'RecordSlaWarning', clock: 'resolution', dueAt: now, warningAt: now, now },
  RecordSlaBreach: { type: 'RecordSlaBreach', clock: 'resolution', dueAt: now, now },
  DeleteTicket: { type: 'DeleteTicket', actorId: ids.manager, now },
  LinkArticle: { type: 'LinkArticle', articleId: 'a371c1e0-0000-4000-8000-000000000001', articleReadable: true, now },
};

const restore: TicketCommand = { type: 'RestoreTicket', actorId: ids.manager, now };
const live = [opened('incident'), commented(), watcherAdded(ids.manager), linked('relates_to')];
const hidden = [...live, deleted()];

// ---------------------------------------------------------------------------------------------

const deletion = suite('ticket: when it is deleted');

deletion('records who deleted it', () => {
  const given = historyTo('incident', 'in_progress');
  const gone: TicketEvent = { type: 'TicketDeleted', data: { by: ids.manager, at } };
  spec.given(given).when({ type: 'DeleteTicket', actorId: ids.manager, now }).then([gone]);
  assert.is(fold([...given, gone]).deleted, true);
});

for (const command of Object.values(COMMANDS)) {
  deletion(`answers ${command.type} as if the ticket were not there`, () => {
    spec.given(hidden).when(command).thenThrows(NotFoundError, /ticket not found/);
  });
}

// Opening is not a command on the ticket: its id is taken, deleted or not, so a second open is refused.
deletion('still refuses to open another ticket under the same id', () => {
  spec.given(hidden).when(openTicket('incident')).thenThrows(IllegalStateError, /already exists/);
});

deletion.run();

// ---------------------------------------------------------------------------------------------

const restoring = suite('ticket: when it is restored');

restoring('records who restored it', () => {
  spec
    .given(hidden)
    .when(restore)
    .then([{ type: 'TicketRestored', data: { by: ids.manager, at } }]);
});

restoring('works again afterwards, with its comments, watchers and links intact', () => {
  const back = [...hidden, restored()];
  const state = fold(back);
  assert.is(state.deleted, false);
  assert.is(state.comments.length, 1);
  assert.equal(state.watchers, [ids.manager]);
  assert.is(state.links.length, 1);
  spec
    .given(back)
    .when(COMMANDS.AddComment)
    .then([{ type: 'TicketCommented', data: { commentId: 'c0c0c0c0-0000-4000-8000-000000000002', authorId: ids.agent, body: 'Hello?', internal: false, at, carriedFrom: null } }]);
  spec
    .given(back)
    .when(COMMANDS.AssignTicket)
    .then([{ type: 'TicketAssigned', data: { assigneeId: ids.otherAgent, teamId: ids.team, previousAssigneeId: null, at } }]);
});

restoring('records nothing for a ticket that is not deleted', () => {
  spec.given(live).when(restore).then([]);
});

restoring('records nothing for a ticket already restored', () => {
  spec
    .given([...hidden, restored()])
    .when(restore)
    .then([]);
});

restoring.run();

// ---------------------------------------------------------------------------------------------

const missing = suite('ticket: when it was never opened');

for (const command of [...Object.values(COMMANDS), restore]) {
  missing(`answers ${command.type} with not found`, () => {
    spec.given([]).when(command).thenThrows(NotFoundError, /ticket not found/);
  });
}

missing.run();
