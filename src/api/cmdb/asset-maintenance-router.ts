import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { CmdbDependencies, CmdbWritten } from '../../commands/cmdb/asset-categories.js';
import { cancelAssetMaintenance, completeAssetMaintenance, planAssetMaintenance } from '../../commands/cmdb/maintenance.js';
import type { Actor } from '../../commands/identity/actor.js';
import { MAINTENANCE_STATUSES } from '../../domain/cmdb/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { formatPosition } from '../../eventstore/types.js';
import { getAsset } from '../../projections/cmdb/queries.js';
import { getMaintenance, listMaintenance } from '../../projections/cmdb/maintenance-queries.js';
import type { AppContext, AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, listQuery } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { ownerScope } from './assets-router.js';

const cost = z.union([z.string().max(32), z.number()]).nullable().optional();
export const completion = z.object({ doneOn: z.string().max(10), actualCost: cost, notes: z.string().max(5000).optional() }).strict();
export const planBody = z
  .object({
    kind: z.string().max(60),
    title: z.string().max(200),
    description: z.string().max(5000).optional(),
    plannedFor: z.string().max(10).optional(),
    vendor: z.string().max(200).nullable().optional(),
    estimatedCost: cost,
    currency: z.string().max(3).nullable().optional(),
    done: completion.optional(),
  })
  .strict();
export const cancelBody = z.object({ reason: z.string().max(2000).optional() }).strict();
export const maintenanceQuery = listQuery.extend({ status: z.enum(MAINTENANCE_STATUSES).optional() }).strict();

const today = (now: Date): string => now.toISOString().slice(0, 10);

/**
 * `/api/v1/assets/:id/maintenance`: planned and done upkeep of an asset, kept in the asset's own
 * stream. Agents plan, complete and cancel; a requester reads the maintenance of the assets they
 * hold. If-Match, when sent, is the asset's version.
 */
export function assetMaintenanceRouter(deps: CmdbDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/assets/:id/maintenance' });
  router.use(authenticate);

  const visibleAsset = async (actor: Actor, id: string) => {
    if (!(await getAsset(deps.knex, actor.tenantId, id, ownerScope(actor)))) throw new NotFoundError('asset not found');
  };
  const respond = async (ctx: AppContext, actor: Actor, assetId: string, written: CmdbWritten, status: number) => {
    if (written.position && !(await waitFor(written.position))) {
      ctx.status = 202;
      ctx.body = { status: 'accepted', position: formatPosition(written.position) };
      return;
    }
    const view = await getMaintenance(deps.knex, actor.tenantId, assetId, written.id, today(deps.clock()));
    if (!view) throw new NotFoundError('maintenance not found');
    ctx.status = status;
    if (status === 201) ctx.set('Location', `/api/v1/assets/${assetId}/maintenance/${view.id}`);
    ctx.body = view;
  };

  router.get('/', async (ctx) => {
    const assetId = idParam(ctx, 'id');
    const query = parseInput(maintenanceQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    await visibleAsset(actor, assetId);
    ctx.body = await listMaintenance(deps.knex, actor.tenantId, assetId, query, today(deps.clock()));
  });

  router.get('/:maintenanceId', async (ctx) => {
    const assetId = idParam(ctx, 'id');
    const maintenanceId = idParam(ctx, 'maintenanceId');
    const actor = actorOf(ctx);
    await visibleAsset(actor, assetId);
    const view = await getMaintenance(deps.knex, actor.tenantId, assetId, maintenanceId, today(deps.clock()));
    if (!view) throw new NotFoundError('maintenance not found');
    ctx.body = view;
  });

  router.post('/', async (ctx) => {
    const assetId = idParam(ctx, 'id');
    const input = parseInput(planBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await planAssetMaintenance(deps, actor, assetId, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respond(ctx, actor, assetId, written, 201);
  });

  router.post('/:maintenanceId/complete', async (ctx) => {
    const assetId = idParam(ctx, 'id');
    const maintenanceId = idParam(ctx, 'maintenanceId');
    const input = parseInput(completion, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await completeAssetMaintenance(deps, actor, assetId, maintenanceId, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respond(ctx, actor, assetId, written, 200);
  });

  router.post('/:maintenanceId/cancel', async (ctx) => {
    const assetId = idParam(ctx, 'id');
    const maintenanceId = idParam(ctx, 'maintenanceId');
    const input = parseInput(cancelBody, ctx.state.body ?? {});
    const actor = actorOf(ctx);
    const written = await cancelAssetMaintenance(deps, actor, assetId, maintenanceId, input.reason, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respond(ctx, actor, assetId, written, 200);
  });
  return router;
}
