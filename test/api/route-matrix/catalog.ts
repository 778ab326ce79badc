import type { CatalogCollection } from '../../support/catalog-fixtures.js';
import { catalogBody, createCatalogEntry, createRetiredEntry } from '../../support/catalog-fixtures.js';
import { uniqueSuffix } from '../../support/identity-fixtures.js';
import type { RouteCase, World } from './cases.js';
import { signedIn } from './cases.js';

/** Entries the catalog cases share, made once per world: an active and a retired one in tenant A, one in tenant B. */
interface CatalogTargets {
  readonly active: string;
  readonly retired: string;
}
const catalogTargets = new Map<string, Promise<CatalogTargets>>();

function sharedCatalogTargets(world: World, collection: CatalogCollection): Promise<CatalogTargets> {
  const key = `${world.a.id} ${collection}`;
  let targets = catalogTargets.get(key);
  if (!targets) {
    targets = (async () => {
      const [active, retired, foreign] = await Promise.all([
        createCatalogEntry(world.baseUrl, world.a.sessions.admin.accessToken, collection),
        createRetiredEntry(world.baseUrl, world.a.sessions.admin.accessToken, collection),
        // So the other tenant's admin lists rows of their own, whatever ran before.
        createCatalogEntry(world.baseUrl, world.b.sessions.admin.accessToken, collection),
      ]);
      world.a.ids.add(active.id).add(retired.id);
      world.b.ids.add(foreign.id);
      return { active: active.id, retired: retired.id };
    })();
    catalogTargets.set(key, targets);
  }
  return targets;
}

/** A fresh entry of tenant A, so a case that retires or revives it disturbs nobody else. */
async function freshCatalogEntry(world: World, collection: CatalogCollection, retired: boolean): Promise<string> {
  const token = world.a.sessions.admin.accessToken;
  const entry = retired ? await createRetiredEntry(world.baseUrl, token, collection) : await createCatalogEntry(world.baseUrl, token, collection);
  world.a.ids.add(entry.id);
  return entry.id;
}

/** Admins keep the catalog; everyone in the tenant reads what is offered, and agents what was retired too. */
export function catalogRoutes(collection: CatalogCollection): Record<string, RouteCase> {
  const base = `/api/v1/${collection}`;
  const manage = signedIn(200, 403, 403, 403, 404);
  return {
    [`POST ${base}`]: { expect: signedIn(201, 403, 403, 403, 201), prepare: () => Promise.resolve({ body: catalogBody(collection) }) },
    [`GET ${base}`]: {
      expect: signedIn(200, 200, 200, 200, 200),
      list: true,
      prepare: async (world) => {
        await sharedCatalogTargets(world, collection);
        return {};
      },
    },
    [`GET ${base}/:id`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: { id: (await sharedCatalogTargets(world, collection)).active } }) },
    // A requester only picks from what is offered: a retired entry does not exist for them.
    [`GET ${base}/:id #retired`]: { expect: signedIn(200, 200, 200, 404, 404), prepare: async (world) => ({ params: { id: (await sharedCatalogTargets(world, collection)).retired } }) },
    [`PATCH ${base}/:id`]: {
      expect: manage,
      prepare: async (world) => ({ params: { id: (await sharedCatalogTargets(world, collection)).active }, body: { name: `${collection} renamed ${uniqueSuffix()}` } }),
    },
    [`POST ${base}/:id/deactivate`]: { expect: manage, prepare: async (world) => ({ params: { id: await freshCatalogEntry(world, collection, false) } }) },
    [`POST ${base}/:id/reactivate`]: {
      // A requester asking to revive what they cannot see learns nothing, not even that it exists.
      expect: signedIn(200, 403, 403, 404, 404),
      prepare: async (world) => ({ params: { id: await freshCatalogEntry(world, collection, true) } }),
    },
  };
}
