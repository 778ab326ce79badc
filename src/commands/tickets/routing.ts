import type { TicketForRouting } from '../../domain/queue/index.js';
import { queueDecider, queueStream, routeFor } from '../../domain/queue/index.js';
import type { AssignTicket } from '../../domain/ticket/index.js';
import { activeQueues } from '../../projections/queues/queries.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import type { TicketDependencies } from './dependencies.js';
import { assignableMembers } from '../../projections/groups/queries.js';

/**
 * Every ticket opened at the same moment on a round-robin queue races for the queue's stream; each
 * lost race is re-decided on the fresh rotation. Enough retries that a burst of tickets on one queue
 * all get through (each round lets at least one of them win).
 */
const PICK_RETRIES = 50;

/**
 * Routes a ticket being opened without a team: the first active queue (by position) whose rules
 * match sends it to the queue's team and, by the queue's strategy, to one of the team's agents.
 *
 * The pick is decided by the queue's decider on its own stream and appended at the revision it was
 * decided on, so two concurrent tickets can never take the same "next" agent: the loser of the race
 * re-reads the rotation and takes the one after. Returns the ordinary AssignTicket (carrying the
 * queue's id) the opening appends with the ticket's first events, or null when no queue matched.
 */
export async function routeNewTicket(deps: TicketDependencies, actor: Actor, ticketId: string, ticket: TicketForRouting, context: CommandContext): Promise<AssignTicket | null> {
  const queue = routeFor(await activeQueues(deps.knex, actor.tenantId), ticket);
  if (!queue) return null;
  const candidates = await assignableMembers(deps.knex, actor.tenantId, queue.teamId);
  const picked = await handleCommand(
    { ...deps.commands, maxRetries: PICK_RETRIES },
    queueDecider,
    queueStream(queue.id),
    { type: 'PickAssignee', ticketId, candidates, now: context.now },
    context,
    { mustExist: true },
  );
  const assigneeId = picked.state.status !== 'none' && picked.state.lastTicketId === ticketId ? picked.state.lastAssigneeId : null;
  return {
    type: 'AssignTicket',
    assigneeId,
    teamId: queue.teamId,
    // Candidates are the team's active technicians and managers, as assignment requires.
    assigneeEligible: true,
    assigneeInTeam: true,
    queueId: queue.id,
    now: context.now,
  };
}

