export type {
  AssignmentStrategy,
  Candidate,
  ExistingQueue,
  Queue,
  QueueCommand,
  QueueEvent,
  QueueRules,
  Reference,
  RoutingQueue,
  RulesInput,
  TicketForRouting,
} from './queue.js';
export { ASSIGNMENT_STRATEGIES, MAX_POSITION, MAX_RULE_VALUES, queueDecider, queueMatches, queueStream, routeFor } from './queue.js';
