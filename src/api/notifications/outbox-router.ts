import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Knex } from 'knex';
import { authorize } from '../../commands/identity/actor.js';
import { OUTBOX_STATES, listOutbox } from '../../projections/notifications/queries.js';
import type { AppState } from '../context.js';
import { listQuery } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { z } from 'zod';

export const outboxQuery = listQuery.extend({ state: z.enum(OUTBOX_STATES).optional() }).strict();

/** `/api/v1/notifications/outbox`: the mail the tenant's events produced and what became of it. */
export function outboxRouter(deps: { readonly knex: Knex }, authenticate: Middleware<AppState>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/notifications' });
  router.use(authenticate);
  router.get('/outbox', async (ctx) => {
    const query = parseInput(outboxQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'notifications.manage');
    ctx.body = await listOutbox(deps.knex, actor.tenantId, query);
  });
  return router;
}
