import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { CatalogDependencies } from '../../commands/catalog/dependencies.js';
import { createService, setServiceActive, updateService } from '../../commands/catalog/services.js';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { CRITICALITIES } from '../../domain/catalog/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { getService, listServices } from '../../projections/catalog/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { jsonObject } from '../json-object.js';
import { catalogListQuery, noBody, visibilityOf } from './visibility.js';

const criticality = z.enum(CRITICALITIES);
/** `null` leaves the service without an owning team. */
const ownerTeamId = z.uuid().transform((id) => id.toLowerCase()).nullable();
/** `null` lets the SLA scope rules pick the policy for the service's tickets again. */
const slaPolicyId = z.uuid().transform((id) => id.toLowerCase()).nullable();
/** A JSON Schema object; the domain checks it is a usable, bounded one (request-form.ts). `null` removes the form. */
const requestForm = jsonObject.nullable();
export const createBody = z
  .object({
    name: z.string().max(120),
    description: z.string().max(2000).optional(),
    ownerTeamId: ownerTeamId.optional(),
    criticality: criticality.default('medium'),
    slaPolicyId: slaPolicyId.optional(),
    requestForm: requestForm.optional(),
  })
  .strict();
export const patchBody = z
  .object({
    name: z.string().max(120).optional(),
    description: z.string().max(2000).optional(),
    ownerTeamId: ownerTeamId.optional(),
    criticality: criticality.optional(),
    slaPolicyId: slaPolicyId.optional(),
    requestForm: requestForm.optional(),
  })
  .strict();
export const servicesQuery = catalogListQuery.strict();

/** `/api/v1/services`: what a ticket affects. Admins keep the list; everyone in the tenant reads it. */
export function servicesRouter(deps: CatalogDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/services' });
  router.use(authenticate);
  const read = (actor: Actor, id: string) => () => getService(deps.knex, actor.tenantId, id, visibilityOf(actor));

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createService(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/services/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(servicesQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'catalog.read');
    ctx.body = await listServices(deps.knex, actor.tenantId, query, visibilityOf(actor));
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'catalog.read');
    const service = await read(actor, id)();
    if (!service) throw new NotFoundError('service not found');
    setVersion(ctx, service.version);
    ctx.body = service;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await updateService(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });

  for (const [path, active] of [['/:id/deactivate', false], ['/:id/reactivate', true]] as const) {
    router.post(path, async (ctx) => {
      const id = idParam(ctx, 'id');
      parseInput(noBody, ctx.state.body);
      const actor = actorOf(ctx);
      const written = await setServiceActive(deps, actor, id, active, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
      await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
    });
  }
  return router;
}
