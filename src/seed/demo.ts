import { registerTenant } from '../commands/tenants.js';
import { slugStream } from '../domain/tenant/index.js';
import type { System } from '../system.js';

export const DEMO_TENANT = { id: '00000000-0000-4000-8000-00000000de00', slug: 'demo', name: 'Demo Service Desk' } as const;

export interface DemoLogin {
  readonly role: string;
  readonly email: string;
  readonly password: string;
}

export interface SeedResult {
  readonly tenantSlug: string;
  readonly tenantName: string;
  readonly created: boolean;
  readonly logins: readonly DemoLogin[];
}

/** Creates the demo tenant on first start; later starts find it and change nothing. */
export async function seedDemoData(system: System): Promise<SeedResult> {
  const existing = await system.store.streamInfo(slugStream(DEMO_TENANT.slug));
  if (!existing) {
    await registerTenant(system.commands, { tenantId: DEMO_TENANT.id, slug: DEMO_TENANT.slug, name: DEMO_TENANT.name }, {
      tenantId: DEMO_TENANT.id,
      actorId: null,
      correlationId: `seed-${DEMO_TENANT.slug}`,
      now: system.clock(),
    });
    system.logger.info({ tenant: DEMO_TENANT.slug }, 'demo tenant created');
  }
  return { tenantSlug: DEMO_TENANT.slug, tenantName: DEMO_TENANT.name, created: !existing, logins: [] };
}
