import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { loadTicketFor } from './access.js';
import type { BulkOutcome } from './bulk.js';
import type { TicketDependencies } from './dependencies.js';
import { onTicket } from './on-ticket.js';
import type { TicketWritten } from './open.js';
import type { LifecycleStep } from './work.js';
import { moveTicket } from './work.js';
import { openLinkedIncidents } from '../../projections/tickets/queries.js';



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

/**
 * Resolves or closes a ticket and, when asked and the ticket is a problem, every open incident it
 * caused, each on its own: the ticket's own result, and one outcome an incident. An incident that
 * cannot be resolved (a conflict, a permission) does not undo the problem's step.
 */
export async function settleTicket(
  deps: TicketDependencies,
  actor: Actor,
  ticketId: string,
  step: Extract<LifecycleStep, { action: 'resolve' | 'close' }>,
  options: { readonly withLinkedIncidents: boolean; readonly expectedVersion?: number | undefined },
  context: CommandContext,
): Promise<{ readonly written: TicketWritten; readonly incidents: BulkOutcome[] }> {
  const written = await moveTicket(deps, actor, ticketId, step, context, options.expectedVersion);
  const incidents = options.withLinkedIncidents ? await resolveLinkedIncidents(deps, actor, ticketId, context) : [];
  return { written, incidents };
}
