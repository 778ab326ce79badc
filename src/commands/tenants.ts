import { slugReservationDecider, slugStream, tenantDecider, tenantStream } from '../domain/tenant/index.js';
import type { Tenant } from '../domain/tenant/index.js';
import type { CommandDependencies, CommandResult } from './handle.js';
import { handleCommand } from './handle.js';
import type { CommandContext } from './metadata.js';

export interface RegisterTenantInput {
  readonly tenantId: string;
  readonly slug: string;
  readonly name: string;
}

/** Reserves the slug first (the uniqueness guarantee), then registers the tenant. */
export async function registerTenant(
  dependencies: CommandDependencies,
  input: RegisterTenantInput,
  context: CommandContext,
): Promise<CommandResult<Tenant, unknown>> {
  await handleCommand(dependencies, slugReservationDecider, slugStream(input.slug), { type: 'ReserveTenantSlug', slug: input.slug, tenantId: input.tenantId }, context);
  return handleCommand(
    dependencies,
    tenantDecider,
    tenantStream(input.tenantId),
    { type: 'RegisterTenant', tenantId: input.tenantId, slug: input.slug, name: input.name, now: context.now },
    context,
  );
}
