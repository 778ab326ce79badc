import type { Knex } from 'knex';
import type { Candidate, TicketForRouting } from '../../domain/queue/index.js';
import { queueDecider, queueStream, routeFor } from '../../domain/queue/index.js';
import type { AssignTicket } from '../../domain/ticket/index.js';
import { activeQueues } from '../../projections/queues/queries.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import type { TicketDependencies } from './dependencies.js';

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
  const candidates = await eligibleMembers(deps.knex, actor.tenantId, queue.teamId);
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

/**
 * The team's members who may take a ticket (active technicians and managers; deactivated people
 * and requesters are skipped), each with the open tickets they hold (not resolved, closed or cancelled).
 */
async function eligibleMembers(knex: Knex, tenantId: string, teamId: string): Promise<Candidate[]> {
  const rows = (await knex('team_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .leftJoin('tickets as t', (join) => {
      join
        .on('t.assignee_id', '=', 'm.user_id')
        .andOn('t.tenant_id', '=', knex.raw('?', [tenantId]))
        .andOn('t.deleted', '=', knex.raw('false'))
        .andOnNotIn('t.status', ['resolved', 'closed', 'cancelled']);
    })
    .select('m.user_id as userId')
    .count({ openTickets: 't.id' })
    .where({ 'm.group_id': teamId, 'u.tenant_id': tenantId, 'u.status': 'active' })
    .whereIn('u.role', ['technician', 'manager'])
    .groupBy('m.user_id')
    .orderBy('m.user_id')) as Array<{ userId: string; openTickets: string | number }>;
  return rows.map((row) => ({ userId: row.userId, openTickets: Number(row.openTickets) }));
}
