import { createCatalogEntry } from '../../support/catalog-fixtures.js';
import type { TenantFixture } from '../../support/identity-fixtures.js';
import { bearer, expectStatus } from '../../support/identity-fixtures.js';
import { call } from '../../support/api.js';
import { createQueue, queueBody } from '../../support/queue-fixtures.js';
import type { RouteCase, World } from './cases.js';
import { signedIn } from './cases.js';

/**
 * A category per tenant that no other case's ticket names, so the queues made here route nothing
 * the rest of the matrix opens.
 */
const quietCategories = new Map<string, Promise<string>>();

function quietCategory(world: World, tenant: TenantFixture): Promise<string> {
  let category = quietCategories.get(tenant.id);
  if (!category) {
    category = createCatalogEntry(world.baseUrl, tenant.sessions.admin.accessToken, 'categories').then((entry) => {
      tenant.ids.add(entry.id);
      return entry.id;
    });
    quietCategories.set(tenant.id, category);
  }
  return category;
}

async function quietQueueBody(world: World, tenant: TenantFixture): Promise<Record<string, unknown>> {
  return queueBody(tenant.team, { rules: { ticketTypes: ['problem'], categoryIds: [await quietCategory(world, tenant)] }, strategy: 'round_robin' });
}

/** A fresh queue of tenant (A unless told), retired when asked, so a case that changes it disturbs nobody else. */
async function freshQueue(world: World, retired = false, tenant: TenantFixture = world.a): Promise<string> {
  const token = tenant.sessions.admin.accessToken;
  const body = await quietQueueBody(world, tenant);
  const queue = await createQueue(world.baseUrl, token, tenant.team, body);
  tenant.ids.add(queue.id);
  if (retired) expectStatus(await call(world.baseUrl, `/api/v1/queues/${queue.id}/deactivate`, { method: 'POST', headers: bearer(token) }), 200, 'retiring a queue');
  return queue.id;
}

/** One queue of tenant A that read cases share, and one of tenant B so its admin lists rows of their own. */
const sharedQueues = new Map<string, Promise<string>>();
function sharedQueue(world: World): Promise<string> {
  let shared = sharedQueues.get(world.a.id);
  if (!shared) {
    shared = Promise.all([freshQueue(world), freshQueue(world, false, world.b)]).then(([ours]) => ours);
    sharedQueues.set(world.a.id, shared);
  }
  return shared;
}

/** Agents see how tickets are routed; managers and admins set the queues; requesters do neither. */
export function queueRoutes(): Record<string, RouteCase> {
  const manage = signedIn(200, 200, 403, 403, 404);
  return {
    'POST /api/v1/queues': {
      expect: signedIn(201, 201, 403, 403, 201),
      // The other tenant's admin names their own team, so a 201 is theirs to get.
      prepare: async (world, caller) => ({ body: await quietQueueBody(world, caller === 'otherTenant' ? world.b : world.a) }),
    },
    'GET /api/v1/queues': {
      expect: signedIn(200, 200, 200, 403, 200),
      list: true,
      prepare: async (world) => {
        await sharedQueue(world);
        return {};
      },
    },
    'GET /api/v1/queues/:id': { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: await sharedQueue(world) } }) },
    'PATCH /api/v1/queues/:id': { expect: manage, prepare: async (world) => ({ params: { id: await freshQueue(world) }, body: { name: 'Renamed by the route matrix' } }) },
    'POST /api/v1/queues/:id/deactivate': { expect: manage, prepare: async (world) => ({ params: { id: await freshQueue(world) } }) },
    'POST /api/v1/queues/:id/reactivate': { expect: manage, prepare: async (world) => ({ params: { id: await freshQueue(world, true) } }) },
  };
}
