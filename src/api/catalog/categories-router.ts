import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { createCategory, setCategoryActive, updateCategory } from '../../commands/catalog/categories.js';
import type { CatalogDependencies } from '../../commands/catalog/dependencies.js';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { getCategory, listCategories } from '../../projections/catalog/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { catalogListQuery, noBody, visibilityOf } from './visibility.js';

/** `null` makes a category top-level again. */
const parentId = z.uuid().transform((id) => id.toLowerCase()).nullable();
export const createBody = z.object({ name: z.string().max(120), description: z.string().max(2000).optional(), parentId: parentId.optional() }).strict();
export const patchBody = z.object({ name: z.string().max(120).optional(), description: z.string().max(2000).optional(), parentId: parentId.optional() }).strict();
/** `?parentId=none` lists the top-level categories, a requester's first pick. */
export const categoriesQuery = catalogListQuery
  .extend({ parentId: z.union([z.uuid().transform((id) => id.toLowerCase()), z.literal('none').transform(() => null)]).optional() })
  .strict();

/** `/api/v1/categories`: what a ticket is about. Admins keep the list; everyone in the tenant reads it. */
export function categoriesRouter(deps: CatalogDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/categories' });
  router.use(authenticate);
  const read = (actor: Actor, id: string) => () => getCategory(deps.knex, actor.tenantId, id, visibilityOf(actor));

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createCategory(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/categories/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(categoriesQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'catalog.read');
    ctx.body = await listCategories(deps.knex, actor.tenantId, query, visibilityOf(actor));
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'catalog.read');
    const category = await read(actor, id)();
    if (!category) throw new NotFoundError('category not found');
    setVersion(ctx, category.version);
    ctx.body = category;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await updateCategory(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });

  for (const [path, active] of [['/:id/deactivate', false], ['/:id/reactivate', true]] as const) {
    router.post(path, async (ctx) => {
      const id = idParam(ctx, 'id');
      parseInput(noBody, ctx.state.body);
      const actor = actorOf(ctx);
      const written = await setCategoryActive(deps, actor, id, active, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
      await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
    });
  }
  return router;
}
