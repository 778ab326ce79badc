import type { OpenTicketState, Ticket, TicketCommand } from '../../domain/ticket/index.js';
import { ticketDecider, ticketStream } from '../../domain/ticket/index.js';
import { handleCommandSequence } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { loadTicketFor } from './access.js';
import type { TicketDependencies } from './dependencies.js';
import type { TicketWritten } from './open.js';

type Build = (ticket: OpenTicketState) => TicketCommand | Promise<TicketCommand>;

/**
 * Decided after the command, in the same append: sees the ticket as the command left it, and
 * whether the command changed anything (the SLA re-applied after an edit that moved its scope).
 */
export type FollowUp = (ticket: Ticket, changed: boolean) => Promise<TicketCommand | null>;

/**
 * Loads the ticket as the actor may see it, checks what the actor may do to it, builds the command
 * (with any facts looked up) and hands it to the decider. `expectedVersion` is the client's If-Match.
 */
export async function onTicket(
  deps: TicketDependencies,
  actor: Actor,
  ticketId: string,
  context: CommandContext,
  build: Build,
  options: { expectedVersion?: number | undefined; includeDeleted?: boolean; followUp?: FollowUp } = {},
): Promise<TicketWritten> {
  // Seeing a ticket is not enough to change it: an auditor sees every ticket and changes none.
  authorize(actor, 'ticket.contribute');
  const { ticket, version } = await loadTicketFor(deps.commands.store, actor, ticketId, { includeDeleted: options.includeDeleted ?? false });
  const command = await build(ticket);
  const followUp = options.followUp;
  const result = await handleCommandSequence(deps.commands, ticketDecider, ticketStream(ticketId), [() => command, ...(followUp ? [(state: Ticket, decided: number) => followUp(state, decided > 0)] : [])], context, {
    mustExist: true,
    loaded: { state: ticket, version },
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
  });
  return { ticketId, position: result.position };
}
