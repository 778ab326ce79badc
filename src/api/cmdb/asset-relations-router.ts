import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { CmdbDependencies } from '../../commands/cmdb/asset-categories.js';
import { addAssetRelation, removeAssetRelation } from '../../commands/cmdb/relations.js';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { ASSET_RELATION_TYPES } from '../../domain/cmdb/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { formatPosition } from '../../eventstore/types.js';
import { getAsset } from '../../projections/cmdb/queries.js';
import { assetImpact, getRelation, IMPACT_MAX_DEPTH, listRelations } from '../../projections/cmdb/relation-queries.js';
import type { AppState } from '../context.js';
import { commandContext, idParam } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { ownerScope } from './assets-router.js';

const uuid = z.uuid().transform((id) => id.toLowerCase());
export const relationBody = z
  .object({ type: z.enum(ASSET_RELATION_TYPES), targetAssetId: uuid.optional(), targetServiceId: uuid.optional() })
  .strict()
  .superRefine((body, ctx) => {
    const wantsService = body.type === 'supports';
    const field = wantsService ? 'targetServiceId' : 'targetAssetId';
    if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: wantsService ? 'a supports relation names the service' : `a ${body.type} relation names the target asset` });
    const other = wantsService ? 'targetAssetId' : 'targetServiceId';
    if (body[other] !== undefined) ctx.addIssue({ code: 'custom', path: [other], message: wantsService ? 'a supports relation points at a service, not an asset' : 'only a supports relation points at a service' });
  });
export const impactQuery = z.object({ depth: z.coerce.number().int().min(1).max(IMPACT_MAX_DEPTH).default(IMPACT_MAX_DEPTH) }).strict();

/**
 * `/api/v1/assets/:id/relations` and `/api/v1/assets/:id/impact`: the CMDB graph seen from one
 * asset. The graph names other people's kit, so it is the agents' view; a requester is refused it
 * (403) for an asset they hold and, as everywhere, finds any other asset absent (404).
 */
export function assetRelationsRouter(deps: CmdbDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/assets/:id' });
  router.use(authenticate);

  const agentView = async (actor: Actor, id: string) => {
    if (!(await getAsset(deps.knex, actor.tenantId, id, ownerScope(actor)))) throw new NotFoundError('asset not found');
    authorize(actor, 'asset.read');
  };

  router.get('/relations', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    await agentView(actor, id);
    ctx.body = { data: await listRelations(deps.knex, actor.tenantId, id) };
  });

  router.post('/relations', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(relationBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await addAssetRelation(deps, actor, id, input, commandContext(ctx, actor, deps.clock()));
    if (written.position && !(await waitFor(written.position))) {
      ctx.status = 202;
      ctx.body = { status: 'accepted', position: formatPosition(written.position) };
      return;
    }
    const relation = await getRelation(deps.knex, actor.tenantId, id, written.id);
    if (!relation) throw new NotFoundError('relation not found');
    ctx.status = 201;
    ctx.set('Location', `/api/v1/assets/${id}/relations/${relation.id}`);
    ctx.body = relation;
  });

  router.delete('/relations/:relationId', async (ctx) => {
    const id = idParam(ctx, 'id');
    const relationId = idParam(ctx, 'relationId');
    const actor = actorOf(ctx);
    const written = await removeAssetRelation(deps, actor, id, relationId, commandContext(ctx, actor, deps.clock()));
    if (written.position) await waitFor(written.position);
    ctx.status = 204;
  });

  router.get('/impact', async (ctx) => {
    const id = idParam(ctx, 'id');
    const query = parseInput(impactQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    await agentView(actor, id);
    ctx.body = await assetImpact(deps.knex, actor.tenantId, id, query.depth);
  });
  return router;
}
