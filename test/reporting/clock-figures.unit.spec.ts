import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { clockFigures } from '../../src/projections/reporting/clock-figures.js';
import type { TimedTicketEvent } from '../../src/domain/sla/ticket-clocks.js';
import { CALENDAR } from './scenario.js';

const test = suite('reporting: SLA figures of one ticket');

const requester = '5e3a0c00-0000-4000-8000-0000000000aa';
const agent = '5e3a0c00-0000-4000-8000-0000000000a1';
const terms = { calendar: CALENDAR, firstResponseMinutes: 60, resolutionMinutes: 240, warningShare: 0.8 };
const event = (revision: number, type: string, at: string, data: Record<string, unknown> = {}): TimedTicketEvent => ({ type, revision, data: { at, ...data } });
const opened = event(0, 'TicketOpened', '2026-11-02T09:00:00.000Z', { requesterId: requester });

test('given a ticket still waiting, when its figures are taken before its due time, then nothing is decided yet', () => {
  const figures = clockFigures([opened], terms, new Date('2026-11-02T09:45:00.000Z'));
  assert.equal(figures, { firstResponseAt: null, firstResponseSla: null, resolutionSla: null, firstResponseBusinessMinutes: null, resolutionBusinessMinutes: null });
});

test('given a running clock past its due time, then it reads breached with no minutes (it has not stopped)', () => {
  const figures = clockFigures([opened], terms, new Date('2026-11-02T10:30:00.000Z'));
  assert.equal([figures.firstResponseSla, figures.firstResponseBusinessMinutes, figures.resolutionSla], ['breached', null, null]);
});

test("given the requester's own comment, then it is no first response; an agent's public one is", () => {
  const events = [
    opened,
    event(1, 'TicketCommented', '2026-11-02T09:05:00.000Z', { authorId: requester, internal: false }),
    event(2, 'TicketCommented', '2026-11-02T09:10:00.000Z', { authorId: agent, internal: true }),
    event(3, 'TicketCommented', '2026-11-02T09:20:00.000Z', { authorId: agent, internal: false }),
  ];
  const figures = clockFigures(events, terms, new Date('2026-11-02T09:20:00.000Z'));
  assert.equal([figures.firstResponseAt, figures.firstResponseSla, figures.firstResponseBusinessMinutes], ['2026-11-02T09:20:00.000Z', 'met', 20]);
});

test('without SLA terms the first response is still dated, and nothing is judged', () => {
  const figures = clockFigures([opened, event(1, 'TicketWorkStarted', '2026-11-02T11:00:00.000Z')], null, new Date('2026-11-02T11:00:00.000Z'));
  assert.equal(figures, { firstResponseAt: '2026-11-02T11:00:00.000Z', firstResponseSla: null, resolutionSla: null, firstResponseBusinessMinutes: null, resolutionBusinessMinutes: null });
});

test('a history out of time order yields no figures instead of stopping the projection', () => {
  const events = [opened, event(1, 'TicketResolved', '2026-11-01T09:00:00.000Z')];
  const figures = clockFigures(events, terms, new Date('2026-11-02T09:00:00.000Z'));
  assert.equal([figures.resolutionSla, figures.resolutionBusinessMinutes], [null, null]);
});

test.run();
