import type { TicketCommand, OpenTicketState } from '../../domain/ticket/index.js';
import { ticketDecider, ticketStream } from '../../domain/ticket/index.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { loadTicketFor } from './access.js';
import type { TicketDependencies } from './dependencies.js';
import type { TicketWritten } from './open.js';

type Build = (ticket: OpenTicketState) => TicketCommand | Promise<TicketCommand>;

/**
 * Loads the ticket as the actor may see it, checks what the actor may do to it, builds the command
 * (with any facts looked up) and hands it to the decider. `expectedVersion` is the client's If-Match.
 */
export async function onTicket(deps: TicketDependencies, actor: Actor, ticketId: string, context: CommandContext, build: Build, options: { expectedVersion?: number | undefined; includeDeleted?: boolean } = {}): Promise<TicketWritten> {
  // Seeing a ticket is not enough to change it: an auditor sees every ticket and changes none.
  authorize(actor, 'ticket.contribute');
  const { ticket, version } = await loadTicketFor(deps.commands.store, actor, ticketId, { includeDeleted: options.includeDeleted ?? false });
  const command = await build(ticket);
  const result = await handleCommand(deps.commands, ticketDecider, ticketStream(ticketId), command, context, {
    mustExist: true,
    loaded: { state: ticket, version },
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
  });
  return { ticketId, position: result.position };
}

