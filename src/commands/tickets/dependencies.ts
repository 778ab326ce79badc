import type { Knex } from 'knex';
import type { CommandDependencies } from '../handle.js';

export interface TicketPolicy {
  /** How long after resolution a requester or agent may reopen instead of raising a new ticket. */
  readonly reopenWindowMs: number;
  /** How long an author may edit a comment. */
  readonly commentEditWindowMs: number;
}

export interface TicketDependencies {
  readonly commands: CommandDependencies;
  /** Read models, for facts the decider needs (is the assignee an active agent, is the target a ticket). */
  readonly knex: Knex;
  readonly policy: TicketPolicy;
  readonly clock: () => Date;
}
