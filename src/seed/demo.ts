import { registerTenant } from '../commands/tenants.js';
import { registerUser } from '../commands/identity/users.js';
import { slugStream } from '../domain/tenant/index.js';
import type { Role } from '../domain/permissions.js';
import type { System } from '../system.js';

export const DEMO_TENANT = { id: '00000000-0000-4000-8000-00000000de00', slug: 'demo', name: 'Demo Service Desk' } as const;

export interface DemoLogin {
  readonly role: Role;
  readonly email: string;
  readonly password: string;
}

/** Known on purpose: this tenant exists to be tried out. Never seed it in production (SEED_DEMO=false). */
export const DEMO_LOGINS: ReadonlyArray<DemoLogin & { readonly id: string; readonly name: string }> = [
  { id: '00000000-0000-4000-8000-00000000de01', role: 'admin', name: 'Ada Admin', email: 'ada@demo.example', password: 'saffron-kettle-orbit-42' },
  { id: '00000000-0000-4000-8000-00000000de02', role: 'manager', name: 'Max Manager', email: 'max@demo.example', password: 'copper-lantern-meadow-17' },
  { id: '00000000-0000-4000-8000-00000000de03', role: 'technician', name: 'Tia Technician', email: 'tia@demo.example', password: 'velvet-harbor-quartz-88' },
  { id: '00000000-0000-4000-8000-00000000de04', role: 'user', name: 'Rex Requester', email: 'rex@demo.example', password: 'marble-cactus-violin-23' },
];

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
    system.logger.info({ tenant: DEMO_TENANT.slug }, 'demo tenant created');
  }
  return { tenantSlug: DEMO_TENANT.slug, tenantName: DEMO_TENANT.name, created: !existing, logins: DEMO_LOGINS.map(({ role, email, password }) => ({ role, email, password })) };
}
