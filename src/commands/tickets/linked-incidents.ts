import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { loadTicketFor } from './access.js';
import type { BulkOutcome } from './bulk.js';
import type { TicketDependencies } from './dependencies.js';
import { moveTicket } from './work.js';

/**
 * When a problem is solved, the incidents it caused can be resolved with it: each incident linked
 * `caused_by` this problem is resolved on its own, and each gets its own result (one already
 * closed is reported, not fatal).
 */
export async function resolveLinkedIncidents(deps: TicketDependencies, actor: Actor, problemId: string, context: CommandContext): Promise<BulkOutcome[]> {
  const { ticket: problem } = await loadTicketFor(deps.commands.store, actor, problemId);
  if (problem.type !== 'problem') return [];
  const rows = (await deps.knex('ticket_links as l')
    .join('tickets as t', 't.id', 'l.ticket_id')
    .select('l.ticket_id as id')
    .where({ 'l.target_id': problemId, 'l.kind': 'caused_by', 't.tenant_id': actor.tenantId, 't.deleted': false })
    .orderBy('t.created_at')) as Array<{ id: string }>;
  const outcomes: BulkOutcome[] = [];
  for (const { id } of rows) {
    try {
      const written = await moveTicket(deps, actor, id, { action: 'resolve', code: 'problem_resolved', notes: `Resolved with problem ${problem.number}` }, context);
      outcomes.push({ id, ok: true, written });
    } catch (error) {
      outcomes.push({ id, ok: false, error });
    }
  }
  return outcomes;
}
