import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import type { Candidate, QueueEvent, QueueRules, RoutingQueue } from '../../src/domain/queue/index.js';
import { queueDecider, routeFor } from '../../src/domain/queue/index.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at as ticketAt, ids, opened } from '../support/ticket-events.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const at = now.toISOString();
const tenantId = '7f1c2d6e-0000-4000-8000-000000000001';
const queueId = '7f1c2d6e-0000-4000-8000-0000000000a1';
const teamId = '7f1c2d6e-0000-4000-8000-0000000000f1';
const otherTeamId = '7f1c2d6e-0000-4000-8000-0000000000f2';
const categoryId = '7f1c2d6e-0000-4000-8000-0000000000c1';
const serviceId = '7f1c2d6e-0000-4000-8000-0000000000e1';
const [alice, bob, carol] = ['a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003'] as const;
const ticket = (n: number) => `0b9d4a10-0000-4000-8000-00000000000${n}`;

const anyRules: QueueRules = { ticketTypes: [], categoryIds: [], serviceIds: [] };
const created = (strategy: 'none' | 'round_robin' | 'least_loaded' = 'round_robin', rules: QueueRules = anyRules): QueueEvent => ({
  type: 'QueueCreated',
  data: { queueId, tenantId, name: 'Service desk', description: '', teamId, rules, position: 10, strategy, at },
});
const picked = (ticketId: string, assigneeId: string, strategy: 'round_robin' | 'least_loaded' = 'round_robin'): QueueEvent => ({ type: 'QueueAssigneePicked', data: { ticketId, assigneeId, strategy, at } });
const candidates = (...entries: Array<[string, number]>): Candidate[] => entries.map(([userId, openTickets]) => ({ userId, openTickets }));

const queues = deciderSpec(queueDecider);
const definition = suite('queue: when it is defined');

definition('creates a queue with trimmed name, deduplicated rules and its strategy', () => {
  queues
    .given([])
    .when({
      type: 'CreateQueue',
      queueId,
      tenantId,
      name: ' Service desk ',
      team: { id: teamId, found: true },
      rules: { ticketTypes: ['incident', 'incident'], categories: [{ id: categoryId, found: true }], services: [{ id: serviceId, found: true }] },
      position: 10,
      strategy: 'least_loaded',
      now,
    })
    .then([created('least_loaded', { ticketTypes: ['incident'], categoryIds: [categoryId], serviceIds: [serviceId] })]);
});

definition('refuses a team, category or service not of the tenant, and a bad name or position, listing each field', () => {
  const error = queues
    .given([])
    .when({
      type: 'CreateQueue',
      queueId,
      tenantId,
      name: '  ',
      team: { id: teamId, found: false },
      rules: { categories: [{ id: categoryId, found: false }], services: [{ id: serviceId, found: true }, { id: categoryId, found: false }] },
      position: -1,
      strategy: 'none',
      now,
    })
    .thenThrows(ValidationError) as ValidationError;
  assert.equal(error.errors.map((e) => e.path), ['/name', '/teamId', '/position', '/rules/categoryIds/0', '/rules/serviceIds/1']);
});

definition('updates only what changed; restating is a no-op; keeps a rule whose entry was retired since', () => {
  queues
    .given([created()])
    .when({ type: 'UpdateQueue', team: { id: otherTeamId, found: true }, strategy: 'none', now })
    .then([{ type: 'QueueUpdated', data: { name: 'Service desk', description: '', teamId: otherTeamId, rules: anyRules, position: 10, strategy: 'none', at } }]);
  queues.given([created()]).when({ type: 'UpdateQueue', name: 'Service desk', position: 10, now }).then([]);
  const withCategory = created('round_robin', { ticketTypes: [], categoryIds: [categoryId], serviceIds: [] });
  queues.given([withCategory]).when({ type: 'UpdateQueue', rules: { categories: [{ id: categoryId, found: false }] }, now }).then([]);
  queues.given([withCategory]).when({ type: 'UpdateQueue', rules: { categories: [{ id: serviceId, found: false }] }, now }).thenThrows(ValidationError);
});

definition('deactivates and reactivates, each only once; refuses commands on a queue that does not exist', () => {
  const retired: QueueEvent = { type: 'QueueDeactivated', data: { at } };
  queues.given([created()]).when({ type: 'DeactivateQueue', now }).then([retired]);
  queues.given([created(), retired]).when({ type: 'DeactivateQueue', now }).then([]);
  queues.given([created(), retired]).when({ type: 'ReactivateQueue', now }).then([{ type: 'QueueReactivated', data: { at } }]);
  queues.given([]).when({ type: 'DeactivateQueue', now }).thenThrows(IllegalStateError);
  queues.given([created()]).when({ type: 'CreateQueue', queueId, tenantId, name: 'Again', team: { id: teamId, found: true }, rules: {}, position: 0, strategy: 'none', now }).thenThrows(IllegalStateError);
});

definition.run();

const rotation = suite('queue: when it picks an assignee');
const team = candidates([carol, 0], [alice, 0], [bob, 0]);

rotation('round robin goes A, B, C and back to A, in the order of their ids', () => {
  queues.given([created()]).when({ type: 'PickAssignee', ticketId: ticket(1), candidates: team, now }).then([picked(ticket(1), alice)]);
  queues.given([created(), picked(ticket(1), alice)]).when({ type: 'PickAssignee', ticketId: ticket(2), candidates: team, now }).then([picked(ticket(2), bob)]);
  queues.given([created(), picked(ticket(2), bob)]).when({ type: 'PickAssignee', ticketId: ticket(3), candidates: team, now }).then([picked(ticket(3), carol)]);
  queues.given([created(), picked(ticket(3), carol)]).when({ type: 'PickAssignee', ticketId: ticket(4), candidates: team, now }).then([picked(ticket(4), alice)]);
});

rotation('round robin skips a member no longer eligible and carries on after them', () => {
  const withoutBob = candidates([alice, 0], [carol, 0]);
  queues.given([created(), picked(ticket(1), alice)]).when({ type: 'PickAssignee', ticketId: ticket(2), candidates: withoutBob, now }).then([picked(ticket(2), carol)]);
  queues.given([created(), picked(ticket(1), bob)]).when({ type: 'PickAssignee', ticketId: ticket(2), candidates: withoutBob, now }).then([picked(ticket(2), carol)]);
});

rotation('least loaded takes the fewest open tickets, ties by id', () => {
  queues.given([created('least_loaded')]).when({ type: 'PickAssignee', ticketId: ticket(1), candidates: candidates([alice, 3], [bob, 1], [carol, 2]), now }).then([picked(ticket(1), bob, 'least_loaded')]);
  queues.given([created('least_loaded')]).when({ type: 'PickAssignee', ticketId: ticket(1), candidates: candidates([carol, 1], [bob, 1], [alice, 2]), now }).then([picked(ticket(1), bob, 'least_loaded')]);
});

rotation('picks nobody without a strategy, without candidates, on a retired queue, or for a ticket already picked for', () => {
  queues.given([created('none')]).when({ type: 'PickAssignee', ticketId: ticket(1), candidates: team, now }).then([]);
  queues.given([created()]).when({ type: 'PickAssignee', ticketId: ticket(1), candidates: [], now }).then([]);
  queues.given([created(), { type: 'QueueDeactivated', data: { at } }]).when({ type: 'PickAssignee', ticketId: ticket(1), candidates: team, now }).then([]);
  queues.given([created(), picked(ticket(1), alice)]).when({ type: 'PickAssignee', ticketId: ticket(1), candidates: team, now }).then([]);
});

rotation.run();

const routing = suite('queue: routing a new ticket');
const queue = (id: string, position: number, rules: Partial<QueueRules>, name = 'Q'): RoutingQueue => ({ id, name, position, rules: { ...anyRules, ...rules } });

routing('the first queue by position whose every given rule matches', () => {
  const incidents = queue('10000000-0000-4000-8000-000000000001', 20, { ticketTypes: ['incident'] });
  const email = queue('20000000-0000-4000-8000-000000000002', 10, { ticketTypes: ['incident', 'service_request'], serviceIds: [serviceId] });
  const hardware = queue('30000000-0000-4000-8000-000000000003', 5, { categoryIds: [categoryId], ticketTypes: ['change'] });
  const all = [incidents, email, hardware];
  assert.is(routeFor(all, { type: 'incident', categoryId: null, serviceId })?.id, email.id);
  assert.is(routeFor(all, { type: 'incident', categoryId, serviceId: null })?.id, incidents.id);
  assert.is(routeFor(all, { type: 'change', categoryId, serviceId: null })?.id, hardware.id);
  assert.is(routeFor(all, { type: 'problem', categoryId, serviceId })?.id, undefined);
});

routing('equal positions are decided by name, then id, never by listing order', () => {
  const b = queue('20000000-0000-4000-8000-000000000002', 1, {}, 'B');
  const a = queue('30000000-0000-4000-8000-000000000003', 1, {}, 'A');
  assert.is(routeFor([b, a], { type: 'incident', categoryId: null, serviceId: null })?.id, a.id);
  assert.is(routeFor([a, b], { type: 'incident', categoryId: null, serviceId: null })?.id, a.id);
});

const tickets = deciderSpec(ticketDecider);

routing("a routed assignment is the ticket's ordinary TicketAssigned, naming the queue", () => {
  tickets
    .given([opened('incident', { teamId: null, at: ticketAt })])
    .when({ type: 'AssignTicket', assigneeId: ids.agent, teamId, assigneeEligible: true, assigneeInTeam: true, queueId, now })
    .then([{ type: 'TicketAssigned', data: { assigneeId: ids.agent, teamId, previousAssigneeId: null, at, queueId } }]);
  tickets
    .given([opened('incident', { teamId: null, at: ticketAt })])
    .when({ type: 'AssignTicket', assigneeId: null, teamId, assigneeEligible: true, assigneeInTeam: true, queueId, now })
    .then([{ type: 'TicketAssigned', data: { assigneeId: null, teamId, previousAssigneeId: null, at, queueId } }]);
});

routing.run();
