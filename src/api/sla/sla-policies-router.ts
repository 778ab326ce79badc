import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import type { SlaDependencies } from '../../commands/sla/dependencies.js';
import { definePolicy, retirePolicy, revisePolicy } from '../../commands/sla/policies.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { getPolicy, getPolicyVersion, listPolicies } from '../../projections/sla/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { calendarId, escalation, name, noBody, scope, slaListQuery, targets, versionParam } from './schemas.js';

/** No scope is the tenant's default policy; warningShare defaults to 0.8 of each target. */
export const createBody = z.object({ name, calendarId, scope: scope.optional(), targets, warningShare: z.number().optional(), escalation: escalation.optional() }).strict();
/** Each field given replaces the current one whole and makes a new version. */
export const patchBody = z
  .object({ name: name.optional(), calendarId: calendarId.optional(), scope: scope.optional(), targets: targets.optional(), warningShare: z.number().optional(), escalation: escalation.optional() })
  .strict();
export const policiesQuery = slaListQuery.extend({ calendarId: calendarId.optional() }).strict();

/**
 * `/api/v1/sla-policies`: response and resolution targets per priority. Admins keep them; agents
 * read them. Every revision is a new version, and every version stays readable, since tickets
 * keep the version they were opened under.
 */
export function slaPoliciesRouter(deps: SlaDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/sla-policies' });
  router.use(authenticate);
  const read = (actor: Actor, id: string) => () => getPolicy(deps.knex, actor.tenantId, id);

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await definePolicy(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/sla-policies/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(policiesQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'sla.read');
    ctx.body = await listPolicies(deps.knex, actor.tenantId, query);
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'sla.read');
    const found = await read(actor, id)();
    if (!found) throw new NotFoundError('SLA policy not found');
    setVersion(ctx, found.version);
    ctx.body = found;
  });

  router.get('/:id/versions/:version', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'sla.read');
    const found = await getPolicyVersion(deps.knex, actor.tenantId, id, versionParam(ctx));
    if (!found) throw new NotFoundError('SLA policy version not found');
    setVersion(ctx, found.version);
    ctx.body = found;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await revisePolicy(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });

  router.post('/:id/retire', async (ctx) => {
    const id = idParam(ctx, 'id');
    parseInput(noBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await retirePolicy(deps, actor, id, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });
  return router;
}
