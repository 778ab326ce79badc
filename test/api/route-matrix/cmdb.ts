import { assetBody, createAsset, createAssetCategory, maintenanceBody, planMaintenance, relateAssets } from '../../support/asset-fixtures.js';
import { uniqueSuffix } from '../../support/identity-fixtures.js';
import type { RouteCase, World } from './cases.js';
import { signedIn } from './cases.js';

/** Tenant A's asset targets, made once per world: a category, an asset the requester owns, one they do not; tenant B's too. */
interface AssetTargets {
  readonly category: string;
  readonly owned: string;
  readonly unowned: string;
}
const assetTargets = new Map<string, Promise<AssetTargets>>();

export function sharedAssets(world: World): Promise<AssetTargets> {
  let targets = assetTargets.get(world.a.id);
  if (!targets) {
    targets = (async () => {
      const token = world.a.sessions.admin.accessToken;
      const category = await createAssetCategory(world.baseUrl, token);
      const foreignCategory = await createAssetCategory(world.baseUrl, world.b.sessions.admin.accessToken);
      const [owned, unowned, foreign] = await Promise.all([
        createAsset(world.baseUrl, token, category, { ownerUserId: world.a.sessions.user.id }),
        createAsset(world.baseUrl, token, category),
        // So the other tenant's admin lists rows of their own, whatever ran before.
        createAsset(world.baseUrl, world.b.sessions.admin.accessToken, foreignCategory),
      ]);
      world.a.ids.add(category).add(owned).add(unowned);
      world.b.ids.add(foreignCategory).add(foreign);
      return { category, owned, unowned };
    })();
    assetTargets.set(world.a.id, targets);
  }
  return targets;
}

/** A fresh relation from the requester's asset to a new one, so each caller removes its own. */
async function freshRelation(world: World): Promise<{ id: string; relationId: string }> {
  const token = world.a.sessions.admin.accessToken;
  const { category, owned } = await sharedAssets(world);
  const target = await createAsset(world.baseUrl, token, category);
  const relationId = await relateAssets(world.baseUrl, token, owned, { type: 'depends_on', targetAssetId: target });
  world.a.ids.add(target).add(relationId);
  return { id: owned, relationId };
}

async function freshMaintenance(world: World): Promise<{ id: string; maintenanceId: string }> {
  const { owned } = await sharedAssets(world);
  const maintenanceId = await planMaintenance(world.baseUrl, world.a.sessions.admin.accessToken, owned);
  world.a.ids.add(maintenanceId);
  return { id: owned, maintenanceId };
}

/**
 * Admins and managers shape asset categories, agents read them; agents register and move assets.
 * A requester reads the assets assigned to them and no other (404), and lists only their own.
 */
export function cmdbRoutes(): Record<string, RouteCase> {
  const categories = '/api/v1/asset-categories';
  const assets = '/api/v1/assets';
  const agentsWrite = signedIn(200, 200, 200, 403, 404);
  return {
    [`POST ${categories}`]: { expect: signedIn(201, 201, 403, 403, 201), prepare: () => Promise.resolve({ body: { name: `Kind ${uniqueSuffix()}`, attributesSchema: { type: 'object' } } }) },
    [`GET ${categories}`]: {
      expect: signedIn(200, 200, 200, 403, 200),
      list: true,
      prepare: async (world) => {
        await sharedAssets(world);
        return {};
      },
    },
    [`GET ${categories}/:id`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).category } }) },
    [`PATCH ${categories}/:id`]: { expect: signedIn(200, 200, 403, 403, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).category }, body: { description: `revised ${uniqueSuffix()}` } }) },
    [`POST ${assets}`]: {
      // The other tenant's admin names tenant A's category, which does not exist for them.
      expect: signedIn(201, 201, 201, 403, 400),
      prepare: async (world) => ({ body: assetBody((await sharedAssets(world)).category) }),
    },
    [`GET ${assets}`]: {
      expect: signedIn(200, 200, 200, 200, 200),
      list: true,
      prepare: async (world) => {
        await sharedAssets(world);
        return {};
      },
    },
    [`GET ${assets}/:id`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).owned } }) },
    [`GET ${assets}/:id #not the requester's`]: { expect: signedIn(200, 200, 200, 404, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).unowned } }) },
    [`PATCH ${assets}/:id`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).owned }, body: { name: `Renamed ${uniqueSuffix()}` } }) },
    [`POST ${assets}/:id/status`]: {
      expect: agentsWrite,
      prepare: async (world) => {
        const id = await createAsset(world.baseUrl, world.a.sessions.admin.accessToken, (await sharedAssets(world)).category, { ownerUserId: world.a.sessions.user.id });
        world.a.ids.add(id);
        return { params: { id }, body: { status: 'in_use' } };
      },
    },
    // The requester holds `owned`: they read its maintenance and its tickets (theirs only), not its
    // history or graph (403), and write nothing.
    [`GET ${assets}/:id/history`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).owned } }) },
    [`GET ${assets}/:id/tickets`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).owned } }) },
    [`GET ${assets}/:id/tickets #not the requester's`]: { expect: signedIn(200, 200, 200, 404, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).unowned } }) },
    [`GET ${assets}/:id/maintenance`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: { id: (await freshMaintenance(world)).id } }) },
    [`POST ${assets}/:id/maintenance`]: { expect: signedIn(201, 201, 201, 403, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).owned }, body: maintenanceBody() }) },
    [`GET ${assets}/:id/maintenance/:maintenanceId`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: await freshMaintenance(world) }) },
    [`POST ${assets}/:id/maintenance/:maintenanceId/complete`]: {
      expect: agentsWrite,
      prepare: async (world) => ({ params: await freshMaintenance(world), body: { doneOn: new Date().toISOString().slice(0, 10), actualCost: '10.00' } }),
    },
    [`POST ${assets}/:id/maintenance/:maintenanceId/cancel`]: { expect: agentsWrite, prepare: async (world) => ({ params: await freshMaintenance(world), body: { reason: 'not needed' } }) },
    [`GET ${assets}/:id/relations`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await freshRelation(world)).id } }) },
    [`POST ${assets}/:id/relations`]: {
      expect: signedIn(201, 201, 201, 403, 404),
      prepare: async (world) => {
        const { category, owned } = await sharedAssets(world);
        const target = await createAsset(world.baseUrl, world.a.sessions.admin.accessToken, category);
        world.a.ids.add(target);
        return { params: { id: owned }, body: { type: 'connected_to', targetAssetId: target } };
      },
    },
    [`DELETE ${assets}/:id/relations/:relationId`]: { expect: signedIn(204, 204, 204, 403, 404), prepare: async (world) => ({ params: await freshRelation(world) }) },
    [`GET ${assets}/:id/impact`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await sharedAssets(world)).owned } }) },
  };
}
