import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { NotFoundError, ValidationError } from '../../src/domain/errors.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import type { TicketEvent } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at, fold, ids, linked, now, opened } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);

function fieldPaths(error: unknown): string[] {
  if (!(error instanceof ValidationError)) throw new Error('expected a ValidationError');
  return error.errors.map((e) => e.path);
}

const linking = suite('ticket links: when a ticket is linked');

linking('records the link', () => {
  const given = [opened('incident')];
  const link: TicketEvent = { type: 'TicketLinked', data: { linkId: ids.link, kind: 'relates_to', targetId: ids.otherTicket, at } };
  spec
    .given(given)
    .when({ type: 'LinkTicket', linkId: ids.link, kind: 'relates_to', targetId: ids.otherTicket, targetExists: true, now })
    .then([link]);
  assert.equal(fold([...given, link]).links, [{ id: ids.link, kind: 'relates_to', targetId: ids.otherTicket }]);
});

linking('refuses a link to itself', () => {
  const error = spec
    .given([opened('incident')])
    .when({ type: 'LinkTicket', linkId: ids.link, kind: 'relates_to', targetId: ids.ticket, targetExists: true, now })
    .thenThrows(ValidationError, /link to itself/);
  assert.equal(fieldPaths(error), ['/targetId']);
});

linking('refuses a target that does not exist', () => {
  const error = spec
    .given([opened('incident')])
    .when({ type: 'LinkTicket', linkId: ids.link, kind: 'relates_to', targetId: ids.otherTicket, targetExists: false, now })
    .thenThrows(ValidationError, /no such ticket/);
  assert.equal(fieldPaths(error), ['/targetId']);
});

linking('lets an incident be caused by a problem', () => {
  spec
    .given([opened('incident')])
    .when({ type: 'LinkTicket', linkId: ids.link, kind: 'caused_by', targetId: ids.otherTicket, targetExists: true, now })
    .then([{ type: 'TicketLinked', data: { linkId: ids.link, kind: 'caused_by', targetId: ids.otherTicket, at } }]);
});

for (const type of ['service_request', 'problem', 'change'] as const) {
  linking(`refuses caused_by from a ${type.replace('_', ' ')}`, () => {
    const error = spec
      .given([opened(type)])
      .when({ type: 'LinkTicket', linkId: ids.link, kind: 'caused_by', targetId: ids.otherTicket, targetExists: true, now })
      .thenThrows(ValidationError, /only an incident/);
    assert.equal(fieldPaths(error), ['/kind']);
  });
}

linking('records nothing when the same link exists', () => {
  spec
    .given([opened('incident'), linked('relates_to')])
    .when({ type: 'LinkTicket', linkId: '1e1e1e1e-0000-4000-8000-000000000002', kind: 'relates_to', targetId: ids.otherTicket, targetExists: true, now })
    .then([]);
});

linking('records a second link of another kind to the same target', () => {
  const second = '1e1e1e1e-0000-4000-8000-000000000002';
  spec
    .given([opened('incident'), linked('relates_to')])
    .when({ type: 'LinkTicket', linkId: second, kind: 'duplicate_of', targetId: ids.otherTicket, targetExists: true, now })
    .then([{ type: 'TicketLinked', data: { linkId: second, kind: 'duplicate_of', targetId: ids.otherTicket, at } }]);
});

linking.run();

const unlinking = suite('ticket links: when a link is removed');

unlinking('records the removal', () => {
  const given = [opened('incident'), linked('relates_to')];
  const unlink: TicketEvent = { type: 'TicketUnlinked', data: { linkId: ids.link, at } };
  spec.given(given).when({ type: 'UnlinkTicket', linkId: ids.link, now }).then([unlink]);
  assert.equal(fold([...given, unlink]).links, []);
});

unlinking('says a link that does not exist is not found', () => {
  spec
    .given([opened('incident'), linked('relates_to')])
    .when({ type: 'UnlinkTicket', linkId: '1e1e1e1e-0000-4000-8000-0000000000ff', now })
    .thenThrows(NotFoundError, /link not found/);
});

unlinking.run();
