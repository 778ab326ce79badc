import { asOneCaller } from '../../db/turns.js';
import { ValidationError } from '../../domain/errors.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { TicketDependencies } from './dependencies.js';
import type { TicketWritten } from './open.js';
import type { LifecycleStep } from './work.js';
import { assignTicket, deleteTicket, moveTicket, restoreTicket } from './work.js';

export const BULK_LIMIT = 500;
const PARALLEL = 8;

export type BulkAction =
  | { readonly action: 'assign'; readonly params: { readonly assigneeId: string | null; readonly teamId?: string | null | undefined } }
  | { readonly action: 'delete' | 'restore' }
  | { readonly action: LifecycleStep['action']; readonly params?: Record<string, string> };

/** One ticket's result: done (with where it landed in the log) or refused (with why). */
export type BulkOutcome = { readonly id: string; readonly ok: true; readonly written: TicketWritten } | { readonly id: string; readonly ok: false; readonly error: unknown };

/**
 * The same action on many tickets, each decided on its own: one refusal does not stop the others,
 * and every ticket gets its own answer. On the embedded database the whole bulk is one caller: its
 * tickets take one turn at a time among other requests' statements, not one per ticket in flight.
 */
export async function bulkTickets(deps: TicketDependencies, actor: Actor, ids: readonly string[], request: BulkAction, context: CommandContext): Promise<BulkOutcome[]> {
  authorize(actor, 'ticket.bulk');
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > BULK_LIMIT) throw new ValidationError(`between 1 and ${BULK_LIMIT} tickets`, [{ path: '/ids', message: `between 1 and ${BULK_LIMIT} distinct ids` }]);
  const one = (id: string): Promise<TicketWritten> => {
    switch (request.action) {
      case 'assign':
        return assignTicket(deps, actor, id, request.params, context);
      case 'delete':
        return deleteTicket(deps, actor, id, context);
      case 'restore':
        return restoreTicket(deps, actor, id, context);
      default:
        return moveTicket(deps, actor, id, stepOf(request.action, request.params ?? {}), context);
    }
  };
  const outcomes: BulkOutcome[] = new Array<BulkOutcome>(unique.length);
  let next = 0;
  await asOneCaller(() =>
    Promise.all(
      Array.from({ length: Math.min(PARALLEL, unique.length) }, async () => {
        while (next < unique.length) {
          const index = next++;
          const id = unique[index]!;
          try {
            outcomes[index] = { id, ok: true, written: await one(id) };
          } catch (error) {
            outcomes[index] = { id, ok: false, error };
          }
        }
      }),
    ),
  );
  return outcomes;
}

function stepOf(action: LifecycleStep['action'], params: Record<string, string>): LifecycleStep {
  switch (action) {
    case 'start':
    case 'resume':
    case 'close':
      return { action };
    case 'pend':
    case 'reopen':
    case 'cancel':
      return { action, reason: params.reason ?? '' };
    case 'resolve':
      return { action, code: params.code ?? '', notes: params.notes ?? '' };
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
