import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { CmdbDependencies } from '../../commands/cmdb/asset-categories.js';
import { changeAssetStatus, createAsset, updateAsset } from '../../commands/cmdb/assets.js';
import { assetHistory } from '../../commands/cmdb/history.js';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { ASSET_STATUSES } from '../../domain/cmdb/index.js';
import { NotFoundError } from '../../domain/errors.js';
import { can } from '../../domain/permissions.js';
import type { LogPosition } from '../../eventstore/types.js';
import { listAssetTickets } from '../../projections/cmdb/asset-tickets.js';
import { getAsset, listAssets } from '../../projections/cmdb/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, listQuery, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { jsonObject } from '../json-object.js';

const uuid = z.uuid().transform((id) => id.toLowerCase());
const optionalText = z.string().max(200).nullable().optional();
const fields = {
  name: z.string().max(200),
  ownerUserId: uuid.nullable().optional(),
  location: optionalText,
  serial: optionalText,
  vendor: optionalText,
  purchaseDate: z.string().max(10).nullable().optional(),
  purchaseCost: z.union([z.string().max(32), z.number()]).nullable().optional(),
  warrantyEnd: z.string().max(10).nullable().optional(),
  attributes: jsonObject.optional(),
};
export const createBody = z.object({ ...fields, tag: z.string().max(64), categoryId: uuid, status: z.enum(ASSET_STATUSES).optional() }).strict();
export const patchBody = z.object({ ...fields, name: fields.name.optional(), categoryId: uuid.optional() }).strict();
export const statusBody = z.object({ status: z.enum(ASSET_STATUSES), note: z.string().max(2000).optional() }).strict();
export const assetsQuery = listQuery
  .extend({ status: z.enum(ASSET_STATUSES).optional(), categoryId: uuid.optional(), ownerUserId: uuid.optional(), tag: z.string().max(64).optional(), maintenance: z.enum(['overdue']).optional() })
  .strict();
export const historyQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(25), cursor: z.string().regex(/^\d{1,9}$/, 'not a cursor this list handed out').optional() })
  .strict();

/** Agents see every asset; a requester only those assigned to them. */
export function ownerScope(actor: Actor): string | null {
  if (can(actor.role, 'asset.read')) return null;
  authorize(actor, 'asset.readOwn');
  return actor.userId;
}

/**
 * `/api/v1/assets`: the CMDB's configuration items. Agents register and move them; a requester
 * reads the assets assigned to them (list and item), and any other asset does not exist for them.
 */
export function assetsRouter(deps: CmdbDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/assets' });
  router.use(authenticate);
  const read = (actor: Actor, id: string) => () => getAsset(deps.knex, actor.tenantId, id, ownerScope(actor));

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createAsset(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/assets/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const { maintenance, ...query } = parseInput(assetsQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    // Overdue against today's date in UTC: a plan for today is due, not late.
    const filter = { ...query, ...(maintenance === 'overdue' ? { maintenance: { overdueBefore: deps.clock().toISOString().slice(0, 10) } } : {}) };
    ctx.body = await listAssets(deps.knex, actor.tenantId, filter, ownerScope(actor));
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    const asset = await read(actor, id)();
    if (!asset) throw new NotFoundError('asset not found');
    setVersion(ctx, asset.version);
    ctx.body = asset;
  });

  router.get('/:id/history', async (ctx) => {
    const id = idParam(ctx, 'id');
    const query = parseInput(historyQuery, ctx.query, 'query');
    ctx.body = await assetHistory(deps, actorOf(ctx), id, { fromRevision: query.cursor === undefined ? 0 : Number(query.cursor), limit: query.limit });
  });

  // A requester sees, of the tickets naming an asset they hold, only the ones they raised.
  router.get('/:id/tickets', async (ctx) => {
    const id = idParam(ctx, 'id');
    const query = parseInput(listQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    if (!(await read(actor, id)())) throw new NotFoundError('asset not found');
    ctx.body = await listAssetTickets(deps.knex, { tenantId: actor.tenantId, requesterId: can(actor.role, 'ticket.readAll') ? null : actor.userId }, id, query);
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await updateAsset(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });

  router.post('/:id/status', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(statusBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await changeAssetStatus(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });
  return router;
}
