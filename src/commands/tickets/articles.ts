import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { articleReadableBy } from '../articles/articles.js';
import type { CommandContext } from '../metadata.js';
import type { TicketDependencies } from './dependencies.js';
import type { TicketWritten } from './open.js';
import { onTicket } from './on-ticket.js';

/**
 * Records that a knowledge-base article helped with the ticket. The article must be one the caller
 * can read in their own tenant; another tenant's article is, to them, no article at all.
 */
export function linkArticle(deps: TicketDependencies, actor: Actor, ticketId: string, articleId: string, context: CommandContext): Promise<TicketWritten> {
  authorize(actor, 'ticket.work');
  return onTicket(deps, actor, ticketId, context, async () => ({
    type: 'LinkArticle',
    articleId,
    articleReadable: await articleReadableBy(deps.commands.store, actor, articleId),
    now: context.now,
  }));
}
