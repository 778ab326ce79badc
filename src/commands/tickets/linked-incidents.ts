import type { Knex } from 'knex';
import { STATUSES, isOpen } from '../../domain/ticket/index.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { loadTicketFor } from './access.js';
import type { BulkOutcome } from './bulk.js';
import type { TicketDependencies } from './dependencies.js';
import { onTicket } from './on-ticket.js';

const OPEN_STATUSES = STATUSES.filter(isOpen);

/**
 * The open incidents linked to a problem, whichever side made the link: the incident `caused_by`
 * (or `child_of`) the problem, or the problem `parent_of` the incident. Oldest first, each once.
 */
async function openLinkedIncidents(knex: Knex, tenantId: string, problemId: string): Promise<string[]> {
  const open = (query: Knex.QueryBuilder) => query.where({ 't.tenant_id': tenantId, 't.type': 'incident', 't.deleted': false }).whereIn('t.status', OPEN_STATUSES);
  const fromIncident = open(knex('ticket_links as l').join('tickets as t', 't.id', 'l.ticket_id').select('t.id', 't.created_at').where('l.target_id', problemId).whereIn('l.kind', ['caused_by', 'child_of']));
  const fromProblem = open(knex('ticket_links as l').join('tickets as t', 't.id', 'l.target_id').select('t.id', 't.created_at').where({ 'l.ticket_id': problemId, 'l.kind': 'parent_of' }));
  const rows = (await knex.from(fromIncident.union(fromProblem).as('linked')).select('id').orderBy([{ column: 'created_at' }, { column: 'id' }])) as Array<{ id: string }>;
  return rows.map((row) => row.id);
}

/**
 * When a problem is solved, the incidents it caused can be resolved with it: every open linked
 * incident is resolved on its own, whatever stage it reached, and each gets its own result.
 */
export async function resolveLinkedIncidents(deps: TicketDependencies, actor: Actor, problemId: string, context: CommandContext): Promise<BulkOutcome[]> {
  authorize(actor, 'ticket.work');
  const { ticket: problem } = await loadTicketFor(deps.commands.store, actor, problemId);
  if (problem.type !== 'problem') return [];
  const outcomes: BulkOutcome[] = [];
  for (const id of await openLinkedIncidents(deps.knex, actor.tenantId, problemId)) {
    try {
      const written = await onTicket(deps, actor, id, context, () => ({ type: 'ResolveWithProblem', problemNumber: problem.number, actorId: actor.userId, now: context.now }));
      outcomes.push({ id, ok: true, written });
    } catch (error) {
      outcomes.push({ id, ok: false, error });
    }
  }
  return outcomes;
}
