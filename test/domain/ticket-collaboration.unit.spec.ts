import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '../../src/domain/errors.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import type { TicketEvent } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at, before, commented, fold, ids, now, opened, watcherAdded } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);
const MINUTE = 60 * 1000;
const EDIT_WINDOW = 15 * MINUTE;

// ---------------------------------------------------------------------------------------------

const comments = suite('ticket: when someone comments');

comments('records a public comment, trimmed', () => {
  spec
    .given([opened('incident')])
    .when({ type: 'AddComment', commentId: ids.comment, authorId: ids.requester, body: '  Still broken.  ', internal: false, now })
    .then([{ type: 'TicketCommented', data: { commentId: ids.comment, authorId: ids.requester, body: 'Still broken.', internal: false, at, carriedFrom: null } }]);
});

comments('records an internal note as internal', () => {
  spec
    .given([opened('incident')])
    .when({ type: 'AddComment', commentId: ids.comment, authorId: ids.agent, body: 'Vendor ticket 4411.', internal: true, now })
    .then([{ type: 'TicketCommented', data: { commentId: ids.comment, authorId: ids.agent, body: 'Vendor ticket 4411.', internal: true, at, carriedFrom: null } }]);
});

comments('rejects an empty comment', () => {
  spec
    .given([opened('incident')])
    .when({ type: 'AddComment', commentId: ids.comment, authorId: ids.agent, body: '  ', internal: false, now })
    .thenThrows(ValidationError, /comment/);
});

comments.run();

// ---------------------------------------------------------------------------------------------

const editing = suite('ticket: when a comment is edited');
const recent = [opened('incident'), commented(ids.agent, 'Looking into it.', before(5 * MINUTE))];

editing('records the new body and the previous one when the author edits within the window', () => {
  const edited: TicketEvent = { type: 'TicketCommentEdited', data: { commentId: ids.comment, body: 'Looking into it now.', previousBody: 'Looking into it.', by: ids.agent, at } };
  spec
    .given(recent)
    .when({ type: 'EditComment', commentId: ids.comment, editorId: ids.agent, body: ' Looking into it now. ', editWindowMs: EDIT_WINDOW, now })
    .then([edited]);
  const [comment] = fold([...recent, edited]).comments;
  assert.is(comment?.body, 'Looking into it now.');
});

editing('forbids anyone but the author to edit', () => {
  spec
    .given(recent)
    .when({ type: 'EditComment', commentId: ids.comment, editorId: ids.otherAgent, body: 'Rewritten.', editWindowMs: EDIT_WINDOW, now })
    .thenThrows(ForbiddenError, /only the author/);
});

editing('refuses an edit after the window', () => {
  const error = spec
    .given([opened('incident'), commented(ids.agent, 'Looking into it.', before(20 * MINUTE))])
    .when({ type: 'EditComment', commentId: ids.comment, editorId: ids.agent, body: 'Rewritten.', editWindowMs: EDIT_WINDOW, now })
    .thenThrows(IllegalStateError, /edit window/);
  assert.equal((error as IllegalStateError).details, { editWindowMs: EDIT_WINDOW });
});

editing('says a comment that does not exist is not found', () => {
  spec
    .given(recent)
    .when({ type: 'EditComment', commentId: 'c0c0c0c0-0000-4000-8000-0000000000ff', editorId: ids.agent, body: 'Rewritten.', editWindowMs: EDIT_WINDOW, now })
    .thenThrows(NotFoundError, /comment not found/);
});

editing('records nothing when the body is unchanged', () => {
  spec
    .given(recent)
    .when({ type: 'EditComment', commentId: ids.comment, editorId: ids.agent, body: '  Looking into it.  ', editWindowMs: EDIT_WINDOW, now })
    .then([]);
});

editing('rejects emptying a comment', () => {
  spec
    .given(recent)
    .when({ type: 'EditComment', commentId: ids.comment, editorId: ids.agent, body: ' ', editWindowMs: EDIT_WINDOW, now })
    .thenThrows(ValidationError, /comment/);
});

editing.run();

// ---------------------------------------------------------------------------------------------

const watchers = suite('ticket: when watchers are added and removed');

watchers('adds a watcher', () => {
  const given = [opened('incident')];
  const added: TicketEvent = { type: 'TicketWatcherAdded', data: { userId: ids.manager, at } };
  spec.given(given).when({ type: 'AddWatcher', userId: ids.manager, now }).then([added]);
  assert.equal(fold([...given, added]).watchers, [ids.manager]);
});

watchers('records nothing when the user already watches', () => {
  spec
    .given([opened('incident'), watcherAdded(ids.manager)])
    .when({ type: 'AddWatcher', userId: ids.manager, now })
    .then([]);
});

watchers('removes a watcher', () => {
  const given = [opened('incident'), watcherAdded(ids.manager)];
  const removed: TicketEvent = { type: 'TicketWatcherRemoved', data: { userId: ids.manager, at } };
  spec.given(given).when({ type: 'RemoveWatcher', userId: ids.manager, now }).then([removed]);
  assert.equal(fold([...given, removed]).watchers, []);
});

watchers('records nothing when the user does not watch', () => {
  spec
    .given([opened('incident'), watcherAdded(ids.manager)])
    .when({ type: 'RemoveWatcher', userId: ids.otherManager, now })
    .then([]);
});

watchers.run();
