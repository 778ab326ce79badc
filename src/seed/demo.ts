import { registerTenant } from '../commands/tenants.js';
import { registerUser } from '../commands/identity/users.js';
import { slugStream } from '../domain/tenant/index.js';
import type { System } from '../system.js';
import { seedDemoTickets } from './demo-tickets.js';
import { DEMO_LOGINS, DEMO_TENANT } from './demo-people.js';
import type { DemoLogin } from './demo-people.js';

export interface SeedResult {
  readonly tenantSlug: string;
  readonly tenantName: string;
  readonly created: boolean;
  readonly logins: readonly DemoLogin[];
}

/** Creates the demo tenant and its people on first start; later starts find them and change nothing. */
export async function seedDemoData(system: System): Promise<SeedResult> {
  const existing = await system.store.streamInfo(slugStream(DEMO_TENANT.slug));
  const context = { tenantId: DEMO_TENANT.id, actorId: null, correlationId: `seed-${DEMO_TENANT.slug}`, now: system.clock() };
  if (!existing) {
    await registerTenant(system.commands, { tenantId: DEMO_TENANT.id, slug: DEMO_TENANT.slug, name: DEMO_TENANT.name }, context);
    for (const login of DEMO_LOGINS) {
      const passwordHash = await system.identity.hasher.hash(login.password);
      await registerUser(system.identity, DEMO_TENANT.id, { userId: login.id, email: login.email, name: login.name, role: login.role, passwordHash }, context);
    }
    await seedDemoTickets(system);
    system.logger.info({ tenant: DEMO_TENANT.slug }, 'demo tenant created');
  }
  return { tenantSlug: DEMO_TENANT.slug, tenantName: DEMO_TENANT.name, created: !existing, logins: DEMO_LOGINS.map(({ role, email, password }) => ({ role, email, password })) };
}

/**
 * What the start banner says about the demo tenant. The passwords are printed once, when the
 * tenant is created: a terminal or a container log that every later start filled with them would
 * spread them further than anyone meant, and on later starts they may have been changed.
 */
export function demoBanner(seeded: SeedResult): string[] {
  const tenant = `demo tenant: "${seeded.tenantName}" (slug: ${seeded.tenantSlug})`;
  if (!seeded.created) return [`  ${tenant} exists; its sign-ins were printed when it was created (the demo passwords are also in README.md)`];
  return [`  ${tenant} created`, ...seeded.logins.map((login) => `    ${login.role.padEnd(10)} ${login.email}  password: ${login.password}`)];
}
