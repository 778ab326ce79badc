import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { CmdbDependencies } from '../../commands/cmdb/asset-categories.js';
import { createAssetCategory, updateAssetCategory } from '../../commands/cmdb/asset-categories.js';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { getAssetCategory, listAssetCategories } from '../../projections/cmdb/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, listQuery, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { jsonObject } from '../json-object.js';

export const createBody = z.object({ name: z.string().max(120), description: z.string().max(2000).optional(), attributesSchema: jsonObject.optional() }).strict();
export const patchBody = z.object({ name: z.string().max(120).optional(), description: z.string().max(2000).optional(), attributesSchema: jsonObject.optional() }).strict();

/** `/api/v1/asset-categories`: admins and managers shape them, agents read them, requesters have no use for them. */
export function assetCategoriesRouter(deps: CmdbDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/asset-categories' });
  router.use(authenticate);
  const read = (actor: Actor, id: string) => () => getAssetCategory(deps.knex, actor.tenantId, id);

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createAssetCategory(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/asset-categories/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(listQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'assetCategory.read');
    ctx.body = await listAssetCategories(deps.knex, actor.tenantId, query);
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'assetCategory.read');
    const category = await read(actor, id)();
    if (!category) throw new NotFoundError('asset category not found');
    setVersion(ctx, category.version);
    ctx.body = category;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await updateAssetCategory(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });
  return router;
}
