import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { describeTicketEvent, isPublicTicketEvent, referencesOf } from '../../src/domain/ticket/history.js';
import type { Ticket, TicketEvent } from '../../src/domain/ticket/index.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import { at, ids, opened } from '../support/ticket-events.js';

const test = suite('ticket history lines');

/** Given a history, when one more event happens, then this is its line. */
function lineFor(given: readonly TicketEvent[], event: TicketEvent) {
  const before = given.reduce(ticketDecider.evolve, ticketDecider.initialState());
  const after = ticketDecider.evolve(before, event);
  return { line: describeTicketEvent(before, after, event), visible: isPublicTicketEvent(event, before) };
}

test('given a new ticket, when its title and tags change, then each field shows old → new', () => {
  const { line } = lineFor([opened()], { type: 'TicketUpdated', data: { changes: { title: 'Printer jams daily', tags: ['printer'] }, at } });
  const title = line.changes.find((change) => change.field === 'title');
  assert.equal(title?.to, 'Printer jams daily');
  assert.equal(line.changes.find((change) => change.field === 'tags'), { field: 'tags', from: [], to: ['printer'] });
  assert.match(line.summary, /^details updated \(title: .+ → Printer jams daily; tags: \[\] → \[printer\]\)$/);
});

test('when an assignment moves, then the assignee change is named; a queue says it routed', () => {
  const { line } = lineFor([opened()], { type: 'TicketAssigned', data: { assigneeId: ids.agent, teamId: ids.team, previousAssigneeId: null, at, queueId: 'q1' } });
  assert.ok(line.summary.startsWith('routed by queue q1'));
  assert.equal(line.changes.find((change) => change.field === 'assigneeId'), { field: 'assigneeId', from: null, to: ids.agent });
});

test('when names are known, then people, teams and queues are shown by name and the changes keep the ids', () => {
  const otherTeam = '7e7e7e7e-0000-4000-8000-000000000009';
  const event: TicketEvent = { type: 'TicketAssigned', data: { assigneeId: ids.agent, teamId: otherTeam, previousAssigneeId: null, at, queueId: 'q1' } };
  const before = ticketDecider.evolve(ticketDecider.initialState(), opened());
  const after = ticketDecider.evolve(before, event);
  const names: Record<string, string> = { [`user:${ids.agent}`]: 'Sam Agent', [`team:${ids.team}`]: 'Service desk', [`team:${otherTeam}`]: 'Network', 'queue:q1': 'Front desk' };
  const line = describeTicketEvent(before, after, event, (reference) => names[`${reference.kind}:${reference.id}`] ?? null);
  assert.match(line.summary, /^routed by queue Front desk \(.*assignee: — → Sam Agent; team: Service desk → Network\)$/);
  assert.equal(line.changes.find((change) => change.field === 'assigneeId')?.to, ids.agent);
  assert.ok(referencesOf(before, after, event).some((reference) => reference.kind === 'queue' && reference.id === 'q1'), 'the queue is looked up');
});

test('long text is clipped in the line, never in the event', () => {
  const long = 'x'.repeat(500);
  const { line } = lineFor([opened()], { type: 'TicketUpdated', data: { changes: { description: long }, at } });
  const to = line.changes.find((change) => change.field === 'description')?.to;
  assert.is(typeof to === 'string' && to.length, 201);
});

test('requesters see public comments and lifecycle steps, never internal notes, their edits or SLA bookkeeping', () => {
  const note: TicketEvent = { type: 'TicketCommented', data: { commentId: ids.comment, authorId: ids.agent, body: 'internal', internal: true, at, carriedFrom: null } };
  assert.is(lineFor([opened()], note).visible, false);
  assert.is(lineFor([opened(), note], { type: 'TicketCommentEdited', data: { commentId: ids.comment, body: 'b', previousBody: 'internal', by: ids.agent, at } }).visible, false);
  assert.is(lineFor([opened()], { ...note, data: { ...note.data, internal: false } }).visible, true);
  assert.is(lineFor([opened()], { type: 'SlaBreached', data: { clock: 'resolution', dueAt: at, at } }).visible, false);
  assert.is(lineFor([opened()], { type: 'TicketWorkStarted', data: { by: ids.agent, at } }).visible, true);
});

test('an event that changes no tracked field still has its headline', () => {
  const state: Ticket = ticketDecider.evolve(ticketDecider.initialState(), opened());
  const event: TicketEvent = { type: 'TicketArticleLinked', data: { articleId: 'a1', at } };
  assert.equal(describeTicketEvent(state, ticketDecider.evolve(state, event), event), { summary: 'knowledge article a1 linked', changes: [] });
});

test.run();
