import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { authorize } from '../../commands/identity/actor.js';
import type { IdentityDependencies } from '../../commands/identity/dependencies.js';
import type { GroupKind } from '../../commands/identity/groups.js';
import { changeMembership, createGroup, updateGroup } from '../../commands/identity/groups.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import type { GroupTable } from '../../projections/groups/queries.js';
import { getGroup, listGroups } from '../../projections/groups/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, listQuery, respondAfterWrite, setVersion } from '../http.js';
import { parseInput } from '../validation.js';
import { actorOf } from './actor.js';

export const createBody = z.object({ name: z.string().max(120), description: z.string().max(2000).optional() }).strict();
export const patchBody = z.object({ name: z.string().max(120).optional(), description: z.string().max(2000).optional() }).strict();
export const memberBody = z.object({ userId: z.uuid() }).strict();

/** `/api/v1/teams` and `/api/v1/departments`: the same routes over their own streams and tables. */
export function groupsRouter(kind: GroupKind, deps: IdentityDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const table: GroupTable = kind === 'team' ? 'teams' : 'departments';
  const router = new Router<AppState>({ prefix: `/api/v1/${table}` });
  router.use(authenticate);
  const read = (tenantId: string, id: string) => () => getGroup(deps.knex, table, tenantId, id);

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createGroup(deps, actor, kind, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor.tenantId, written.id), status: 201, location: `/api/v1/${table}/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(listQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, `${kind}.list`);
    ctx.body = await listGroups(deps.knex, table, actor.tenantId, query);
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, `${kind}.read`);
    const group = await getGroup(deps.knex, table, actor.tenantId, id);
    if (!group) throw new NotFoundError(`${kind} not found`);
    setVersion(ctx, group.version);
    ctx.body = group;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await updateGroup(deps, actor, kind, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor.tenantId, id), status: 200 });
  });

  router.post('/:id/members', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(memberBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await changeMembership(deps, actor, kind, id, input.userId.toLowerCase(), true, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor.tenantId, id), status: 200 });
  });

  router.delete('/:id/members/:userId', async (ctx) => {
    const id = idParam(ctx, 'id');
    const userId = idParam(ctx, 'userId');
    const actor = actorOf(ctx);
    const written = await changeMembership(deps, actor, kind, id, userId, false, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor.tenantId, id), status: 200 });
  });
  return router;
}
