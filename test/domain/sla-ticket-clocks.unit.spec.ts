import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ticketClockSegments } from '../../src/domain/sla/ticket-clocks.js';
import type { TimedTicketEvent } from '../../src/domain/sla/ticket-clocks.js';

const requester = 'r0000000-0000-4000-8000-000000000001';
const agent = 'a0000000-0000-4000-8000-000000000002';
let revision = -1;
const at = (hhmm: string) => `2026-11-25T${hhmm}:00.000Z`;
const event = (type: string, time: string, data: Record<string, unknown> = {}): TimedTicketEvent => ({ type, revision: (revision += 1), data: { at: at(time), ...data } });
const kinds = (segments: ReadonlyArray<{ kind: string; at: Date }>) => segments.map((segment) => `${segment.kind}@${segment.at.toISOString().slice(11, 16)}`);

const test = suite('SLA segments from a ticket history');

test.before.each(() => {
  revision = -1;
});

test('first response stops at the first public comment by an agent, not at the requester\'s own or an internal note', () => {
  const segments = ticketClockSegments([
    event('TicketOpened', '09:00', { requesterId: requester }),
    event('TicketCommented', '09:10', { authorId: requester, internal: false }),
    event('TicketCommented', '09:20', { authorId: agent, internal: true }),
    event('TicketCommented', '09:30', { authorId: agent, internal: false }),
    event('TicketCommented', '09:40', { authorId: agent, internal: false }),
  ]);
  assert.equal(kinds(segments.firstResponse), ['start@09:00', 'stop@09:30']);
  assert.equal(kinds(segments.resolution), ['start@09:00']);
});

test('first response stops when work starts', () => {
  const segments = ticketClockSegments([event('TicketOpened', '09:00', { requesterId: requester }), event('TicketWorkStarted', '09:05')]);
  assert.equal(kinds(segments.firstResponse), ['start@09:00', 'stop@09:05']);
});

test('pending pauses both clocks until responded; afterwards only the resolution clock', () => {
  const segments = ticketClockSegments([
    event('TicketOpened', '09:00', { requesterId: requester }),
    event('TicketPended', '09:10'),
    event('TicketResumed', '10:00'),
    event('TicketWorkStarted', '10:05'),
    event('TicketPended', '11:00'),
    event('TicketResumed', '12:00'),
    event('TicketResolved', '13:00'),
  ]);
  assert.equal(kinds(segments.firstResponse), ['start@09:00', 'pause@09:10', 'resume@10:00', 'stop@10:05']);
  assert.equal(kinds(segments.resolution), ['start@09:00', 'pause@09:10', 'resume@10:00', 'pause@11:00', 'resume@12:00', 'stop@13:00']);
});

test('resolution stops at resolved and restarts on reopen; provenance names the event', () => {
  const segments = ticketClockSegments([
    event('TicketOpened', '09:00', { requesterId: requester }),
    event('TicketResolved', '10:00'),
    event('TicketReopened', '11:00'),
    event('TicketResolved', '12:00'),
  ]);
  assert.equal(kinds(segments.resolution), ['start@09:00', 'stop@10:00', 'restart@11:00', 'stop@12:00']);
  assert.equal(segments.resolution[2]?.ref, { revision: 2, at: at('11:00') });
  assert.equal(kinds(segments.firstResponse), ['start@09:00', 'stop@10:00'], 'resolving also ends the wait for a first response');
});

test('cancelling or merging ends both clocks', () => {
  for (const end of ['TicketCancelled', 'TicketMergedInto']) {
    const segments = ticketClockSegments([event('TicketOpened', '09:00', { requesterId: requester }), event(end, '09:30')]);
    assert.equal(kinds(segments.resolution), ['start@09:00', 'stop@09:30']);
    assert.equal(kinds(segments.firstResponse), ['start@09:00', 'stop@09:30']);
  }
});

test.run();
