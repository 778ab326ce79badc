import { ValidationError } from '../../domain/errors.js';
import type { FieldError } from '../../domain/errors.js';
import { can } from '../../domain/permissions.js';
import type { Actor } from '../identity/actor.js';
import type { TicketDependencies } from './dependencies.js';
import { isOfferedCatalogEntry } from '../../projections/catalog/queries.js';
import { referencedAssets } from '../../projections/cmdb/queries.js';

export interface CatalogReferences {
  readonly categoryId?: string | null | undefined;
  readonly serviceId?: string | null | undefined;
  readonly assetIds?: readonly string[] | null | undefined;
}

/**
 * Refuses a category or service the tenant does not offer (another tenant's, retired, made up), and
 * an asset that is not a live configuration item of the tenant. A requester may name only the
 * assets assigned to them.
 */
export async function checkCatalogReferences(deps: TicketDependencies, caller: Actor, refs: CatalogReferences): Promise<void> {
  const tenantId = caller.tenantId;
  const errors: FieldError[] = [];
  if (refs.categoryId && !(await isOfferedCatalogEntry(deps.knex, 'categories', tenantId, refs.categoryId))) errors.push({ path: '/categoryId', message: 'not an active category of this tenant' });
  if (refs.serviceId && !(await isOfferedCatalogEntry(deps.knex, 'services', tenantId, refs.serviceId))) errors.push({ path: '/serviceId', message: 'not an active service of this tenant' });
  if (refs.assetIds && refs.assetIds.length > 0) {
    const onlyOwnedBy = can(caller.role, 'asset.read') ? null : caller.userId;
    const facts = await referencedAssets(deps.knex, tenantId, refs.assetIds);
    refs.assetIds.forEach((id, index) => {
      const asset = facts.get(id.toLowerCase());
      // Someone else's asset is answered like a missing one: a requester learns nothing of it.
      if (!asset || (onlyOwnedBy !== null && asset.ownerUserId !== onlyOwnedBy)) errors.push({ path: `/assetIds/${index}`, message: 'not an asset of this tenant' });
      else if (asset.status === 'disposed') errors.push({ path: `/assetIds/${index}`, message: 'the asset is disposed' });
    });
  }
  if (errors.length > 0) throw new ValidationError('unknown catalog reference', errors);
}

