import type { Knex } from 'knex';
import type { CommandDependencies } from '../handle.js';

export interface SlaDependencies {
  readonly commands: CommandDependencies;
  /** Read models: which policies in force name a calendar. */
  readonly knex: Knex;
  readonly clock: () => Date;
  /** Resolves once the read models have applied everything appended so far (bounded wait). */
  readonly readModelsCaughtUp: () => Promise<boolean>;
}
