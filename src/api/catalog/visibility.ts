import { z } from 'zod';
import { seesInactive } from '../../commands/catalog/access.js';
import type { Actor } from '../../commands/identity/actor.js';
import type { CatalogVisibility } from '../../projections/catalog/queries.js';
import { listQuery } from '../http.js';

/** `?active=true|false`; absent lists both, as far as the caller may see retired entries. */
export const catalogListQuery = listQuery.extend({ active: z.enum(['true', 'false']).transform((value) => value === 'true').optional() });

export function visibilityOf(actor: Actor): CatalogVisibility {
  return { includeInactive: seesInactive(actor) };
}

/** Deactivate and reactivate take no body; anything sent must at least be empty. */
export const noBody = z.object({}).strict().optional();
