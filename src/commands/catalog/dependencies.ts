import type { Knex } from 'knex';
import type { CommandDependencies } from '../handle.js';

export interface CatalogDependencies {
  readonly commands: CommandDependencies;
  /** Read models: which categories sit under a category. */
  readonly knex: Knex;
  readonly clock: () => Date;
  /** Resolves once the read models have applied everything appended so far (bounded wait). */
  readonly readModelsCaughtUp: () => Promise<boolean>;
}
