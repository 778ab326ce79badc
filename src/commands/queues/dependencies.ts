import type { Knex } from 'knex';
import type { CommandDependencies } from '../handle.js';

export interface QueueDependencies {
  readonly commands: CommandDependencies;
  /** Read models: the queue list. */
  readonly knex: Knex;
  readonly clock: () => Date;
}
