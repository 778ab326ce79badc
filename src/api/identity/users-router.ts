import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { IdentityDependencies } from '../../commands/identity/dependencies.js';
import { authorize } from '../../commands/identity/actor.js';
import { createUser, forgetUser, mayReadUser, setUserActive, updateUser } from '../../commands/identity/users.js';
import { NotFoundError } from '../../domain/errors.js';
import { ROLES } from '../../domain/permissions.js';
import type { LogPosition } from '../../eventstore/types.js';
import type { PersonalDataKeys } from '../../privacy/personal-data-keys.js';
import { getUser, listUsers } from '../../projections/users/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, listQuery, respondAfterWrite, setVersion } from '../http.js';
import { parseInput } from '../validation.js';
import { actorOf } from './actor.js';

const role = z.enum(ROLES);
export const createBody = z.object({ email: z.string().max(320), name: z.string().max(200), role, password: z.string().max(1024) }).strict();
export const patchBody = z.object({ email: z.string().max(320).optional(), name: z.string().max(200).optional(), role: role.optional() }).strict();
export const usersQuery = listQuery.extend({ role: role.optional(), status: z.enum(['active', 'deactivated']).optional() }).strict();

export function usersRouter(
  deps: IdentityDependencies,
  authenticate: Middleware<AppState>,
  waitFor: (position: LogPosition) => Promise<boolean>,
  personalDataKeys: Pick<PersonalDataKeys, 'forget'>,
): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/users' });
  router.use(authenticate);

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createUser(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: () => getUser(deps.knex, actor.tenantId, written.userId), status: 201, location: `/api/v1/users/${written.userId}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(usersQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'user.list');
    ctx.body = await listUsers(deps.knex, actor.tenantId, query);
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    const user = mayReadUser(actor, id) ? await getUser(deps.knex, actor.tenantId, id) : null;
    if (!user) throw new NotFoundError('user not found');
    setVersion(ctx, user.version);
    ctx.body = user;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await updateUser(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: () => getUser(deps.knex, actor.tenantId, id), status: 200 });
  });

  for (const [path, active] of [['/:id/deactivate', false], ['/:id/reactivate', true]] as const) {
    router.post(path, async (ctx) => {
      const id = idParam(ctx, 'id');
      parseInput(z.object({}).strict().optional(), ctx.state.body);
      const actor = actorOf(ctx);
      const written = await setUserActive(deps, actor, id, active, commandContext(ctx, actor, deps.clock()));
      await respondAfterWrite(ctx, { position: written.position, waitFor, read: () => getUser(deps.knex, actor.tenantId, id), status: 200 });
    });
  }

  // Crypto-shredding: the answer is the user as now shown, name and email replaced by the markers.
  router.post('/:id/forget', async (ctx) => {
    const id = idParam(ctx, 'id');
    parseInput(z.object({}).strict().optional(), ctx.state.body);
    const actor = actorOf(ctx);
    const written = await forgetUser(deps, personalDataKeys, actor, id, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: () => getUser(deps.knex, actor.tenantId, id), status: 200 });
  });
  return router;
}
