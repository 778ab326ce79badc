import { ValidationError } from '../../domain/errors.js';
import type { FieldError } from '../../domain/errors.js';
import type { TicketDependencies } from './dependencies.js';
import { isOfferedCatalogEntry } from './facts.js';

/** Refuses a category or service the tenant does not offer (another tenant's, retired, made up). */
export async function checkCatalogReferences(deps: TicketDependencies, tenantId: string, refs: { categoryId?: string | null | undefined; serviceId?: string | null | undefined }): Promise<void> {
  const errors: FieldError[] = [];
  if (refs.categoryId && !(await isOfferedCatalogEntry(deps.knex, 'categories', tenantId, refs.categoryId))) errors.push({ path: '/categoryId', message: 'not an active category of this tenant' });
  if (refs.serviceId && !(await isOfferedCatalogEntry(deps.knex, 'services', tenantId, refs.serviceId))) errors.push({ path: '/serviceId', message: 'not an active service of this tenant' });
  if (errors.length > 0) throw new ValidationError('unknown catalog reference', errors);
}
