import type { DomainEvent } from '../decider.js';
import { IllegalStateError, ValidationError } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { TicketType } from '../ticket/index.js';

/**
 * A queue routes new tickets that name no team: the first active queue (by position) whose rules
 * match sends the ticket to its team, and its strategy may pick an agent of that team.
 * The queue's stream also keeps the rotation: every pick is an event appended at the expected
 * revision, so two tickets opened at once cannot both be given the same "next" agent.
 */

export const ASSIGNMENT_STRATEGIES = ['none', 'round_robin', 'least_loaded'] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];

export const MAX_RULE_VALUES = 50;
export const MAX_POSITION = 1_000_000;

/** Each list narrows the match; an empty list matches any value. All non-empty lists must match. */
export type QueueRules = { ticketTypes: TicketType[]; categoryIds: string[]; serviceIds: string[] };

type QueueDefinition = { name: string; description: string; teamId: string; rules: QueueRules; position: number; strategy: AssignmentStrategy };
export type QueueCreated = DomainEvent<'QueueCreated', QueueDefinition & { queueId: string; tenantId: string; at: string }>;
export type QueueUpdated = DomainEvent<'QueueUpdated', QueueDefinition & { at: string }>;
export type QueueDeactivated = DomainEvent<'QueueDeactivated', { at: string }>;
export type QueueReactivated = DomainEvent<'QueueReactivated', { at: string }>;
/** The queue's strategy picked `assigneeId` for `ticketId`: the rotation moves on from here. */
export type QueueAssigneePicked = DomainEvent<'QueueAssigneePicked', { ticketId: string; assigneeId: string; strategy: AssignmentStrategy; at: string }>;
export type QueueEvent = QueueCreated | QueueUpdated | QueueDeactivated | QueueReactivated | QueueAssigneePicked;

/** A referenced team, category or service as the caller found it: `found` only when it is the tenant's own. */
export interface Reference {
  readonly id: string;
  readonly found: boolean;
}

export type RulesInput = { ticketTypes?: TicketType[]; categories?: Reference[]; services?: Reference[] };

export type CreateQueue = {
  type: 'CreateQueue';
  queueId: string;
  tenantId: string;
  name: string;
  description?: string;
  team: Reference;
  rules: RulesInput;
  position: number;
  strategy: AssignmentStrategy;
  now: Date;
};
/** Each field left out is kept; `rules` replaces the rules as a whole. */
export type UpdateQueue = { type: 'UpdateQueue'; name?: string; description?: string; team?: Reference; rules?: RulesInput; position?: number; strategy?: AssignmentStrategy; now: Date };
/** Tickets keep pointing at the queue that routed them, so it is retired rather than deleted. */
export type DeactivateQueue = { type: 'DeactivateQueue'; now: Date };
export type ReactivateQueue = { type: 'ReactivateQueue'; now: Date };
/** An agent who may take the ticket (an active technician or manager of the team) and how many open tickets they hold. */
export interface Candidate {
  readonly userId: string;
  readonly openTickets: number;
}
/** `candidates`: the eligible members of the queue's team, looked up by the caller. */
export type PickAssignee = { type: 'PickAssignee'; ticketId: string; candidates: Candidate[]; now: Date };
export type QueueCommand = CreateQueue | UpdateQueue | DeactivateQueue | ReactivateQueue | PickAssignee;

export type Queue =
  | { readonly status: 'none' }
  | (QueueDefinition & {
      readonly status: 'active' | 'inactive';
      readonly id: string;
      readonly tenantId: string;
      readonly lastAssigneeId: string | null;
      readonly lastTicketId: string | null;
    });
export type ExistingQueue = Exclude<Queue, { status: 'none' }>;

export const queueStream = (queueId: string): string => `queue-${queueId}`;

export function initialState(): Queue {
  return { status: 'none' };
}

export function evolve(state: Queue, event: QueueEvent): Queue {
  if (event.type === 'QueueCreated') {
    const { queueId, tenantId, at: _at, ...definition } = event.data;
    return { status: 'active', id: queueId, tenantId, ...definition, lastAssigneeId: null, lastTicketId: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'QueueUpdated': {
      const { at: _at, ...definition } = event.data;
      return { ...state, ...definition };
    }
    case 'QueueDeactivated':
      return { ...state, status: 'inactive' };
    case 'QueueReactivated':
      return { ...state, status: 'active' };
    case 'QueueAssigneePicked':
      return { ...state, lastAssigneeId: event.data.assigneeId, lastTicketId: event.data.ticketId };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: QueueCommand, state: Queue): QueueEvent[] {
  if (command.type === 'CreateQueue') return create(command, state);
  if (state.status === 'none') throw new IllegalStateError('the queue does not exist');
  const at = command.now.toISOString();
  switch (command.type) {
    case 'UpdateQueue':
      return update(command, state);
    case 'DeactivateQueue':
      return state.status === 'inactive' ? [] : [{ type: 'QueueDeactivated', data: { at } }];
    case 'ReactivateQueue':
      return state.status === 'active' ? [] : [{ type: 'QueueReactivated', data: { at } }];
    case 'PickAssignee':
      return pick(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function create(command: CreateQueue, state: Queue): QueueEvent[] {
  if (state.status !== 'none') throw new IllegalStateError('the queue already exists');
  const definition = validDefinition({
    name: command.name,
    description: command.description ?? '',
    team: command.team,
    rules: command.rules,
    position: command.position,
    strategy: command.strategy,
  });
  return [{ type: 'QueueCreated', data: { queueId: command.queueId, tenantId: command.tenantId, ...definition, at: command.now.toISOString() } }];
}

function update(command: UpdateQueue, state: ExistingQueue): QueueEvent[] {
  const definition = validDefinition(
    {
      name: command.name ?? state.name,
      description: command.description ?? state.description,
      // Keeping the current team needs no look-up to hold.
      team: command.team ?? { id: state.teamId, found: true },
      rules: command.rules ?? { ticketTypes: state.rules.ticketTypes, categories: state.rules.categoryIds.map(found), services: state.rules.serviceIds.map(found) },
      position: command.position ?? state.position,
      strategy: command.strategy ?? state.strategy,
    },
    state,
  );
  const current: QueueDefinition = { name: state.name, description: state.description, teamId: state.teamId, rules: state.rules, position: state.position, strategy: state.strategy };
  if (JSON.stringify(definition) === JSON.stringify(current)) return [];
  return [{ type: 'QueueUpdated', data: { ...definition, at: command.now.toISOString() } }];
}

const found = (id: string): Reference => ({ id, found: true });

type DefinitionInput = { name: string; description: string; team: Reference; rules: RulesInput; position: number; strategy: AssignmentStrategy };

function validDefinition(input: DefinitionInput, current?: ExistingQueue): QueueDefinition {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > 120) errors.push({ path: '/name', message: 'between 1 and 120 characters' });
  const description = input.description.trim();
  if (description.length > 2000) errors.push({ path: '/description', message: 'at most 2000 characters' });
  if (!input.team.found) errors.push({ path: '/teamId', message: 'not a team of this tenant' });
  if (!Number.isInteger(input.position) || input.position < 0 || input.position > MAX_POSITION) errors.push({ path: '/position', message: `an integer from 0 to ${MAX_POSITION}` });
  const references = (refs: readonly Reference[] | undefined, path: string, what: string): string[] => {
    const list = refs ?? [];
    if (list.length > MAX_RULE_VALUES) errors.push({ path, message: `at most ${MAX_RULE_VALUES}` });
    // A rule the queue already had stays valid even if its entry was retired since.
    const kept = new Set(current ? [...current.rules.categoryIds, ...current.rules.serviceIds] : []);
    list.forEach((ref, index) => {
      if (!ref.found && !kept.has(ref.id)) errors.push({ path: `${path}/${index}`, message: `not ${what} of this tenant` });
    });
    return [...new Set(list.map((ref) => ref.id))];
  };
  const rules: QueueRules = {
    ticketTypes: [...new Set(input.rules.ticketTypes ?? [])],
    categoryIds: references(input.rules.categories, '/rules/categoryIds', 'a category'),
    serviceIds: references(input.rules.services, '/rules/serviceIds', 'a service'),
  };
  if (errors.length > 0) throw new ValidationError('the queue is not valid', errors);
  return { name, description, teamId: input.team.id, rules, position: input.position, strategy: input.strategy };
}

/**
 * Round robin takes the first candidate after the last one picked, in the order of their ids
 * (wrapping around), so a member who left or came back does not upset the order of the others.
 * Least loaded takes whoever holds the fewest open tickets, ties broken in the same order.
 * Nothing is picked for a retired queue, a queue without a strategy, or a team without candidates:
 * the ticket then goes to the team unassigned.
 */
function pick(command: PickAssignee, state: ExistingQueue): QueueEvent[] {
  // The same ticket again is a retried routing: the pick already made stands.
  if (state.lastTicketId === command.ticketId) return [];
  if (state.status === 'inactive' || state.strategy === 'none' || command.candidates.length === 0) return [];
  const ordered = [...command.candidates].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const last = state.lastAssigneeId;
  const chosen =
    state.strategy === 'round_robin'
      ? (ordered.find((candidate) => last === null || candidate.userId > last) ?? ordered[0]!)
      : ordered.reduce((best, candidate) => (candidate.openTickets < best.openTickets ? candidate : best));
  return [{ type: 'QueueAssigneePicked', data: { ticketId: command.ticketId, assigneeId: chosen.userId, strategy: state.strategy, at: command.now.toISOString() } }];
}

/** What routing needs to know of a ticket. */
export interface TicketForRouting {
  readonly type: TicketType;
  readonly categoryId: string | null;
  readonly serviceId: string | null;
}

/** A queue as routing sees it. */
export interface RoutingQueue {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly rules: QueueRules;
}

export function queueMatches(rules: QueueRules, ticket: TicketForRouting): boolean {
  const fits = (values: readonly string[], value: string | null) => values.length === 0 || (value !== null && values.includes(value));
  return fits(rules.ticketTypes, ticket.type) && fits(rules.categoryIds, ticket.categoryId) && fits(rules.serviceIds, ticket.serviceId);
}

/** The first matching queue by position, then name, then id, so the answer never depends on listing order. */
export function routeFor<Q extends RoutingQueue>(queues: readonly Q[], ticket: TicketForRouting): Q | null {
  const order = (a: Q, b: Q) => a.position - b.position || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...queues].sort(order).find((queue) => queueMatches(queue.rules, ticket)) ?? null;
}

export const queueDecider = { initialState, evolve, decide };
