import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { defineCalendar, retireCalendar, reviseCalendar } from '../../commands/sla/calendars.js';
import type { SlaDependencies } from '../../commands/sla/dependencies.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { getCalendar, getCalendarVersion, listCalendars } from '../../projections/sla/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { calendar, name, noBody, slaListQuery, versionParam } from './schemas.js';

export const createBody = z.object({ name, calendar }).strict();
/** `calendar` replaces the whole calendar; either field makes a new version. */
export const patchBody = z.object({ name: name.optional(), calendar: calendar.optional() }).strict();
export const calendarsQuery = slaListQuery.strict();

/**
 * `/api/v1/business-calendars`: the working hours SLA clocks count in. Admins keep them; agents
 * read them. Every revision is a new version, and every version stays readable.
 */
export function businessCalendarsRouter(deps: SlaDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/business-calendars' });
  router.use(authenticate);
  const read = (actor: Actor, id: string) => () => getCalendar(deps.knex, actor.tenantId, id);

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await defineCalendar(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/business-calendars/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(calendarsQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'sla.read');
    ctx.body = await listCalendars(deps.knex, actor.tenantId, query);
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'sla.read');
    const found = await read(actor, id)();
    if (!found) throw new NotFoundError('business calendar not found');
    setVersion(ctx, found.version);
    ctx.body = found;
  });

  router.get('/:id/versions/:version', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'sla.read');
    const found = await getCalendarVersion(deps.knex, actor.tenantId, id, versionParam(ctx));
    if (!found) throw new NotFoundError('business calendar version not found');
    setVersion(ctx, found.version);
    ctx.body = found;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await reviseCalendar(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });

  router.post('/:id/retire', async (ctx) => {
    const id = idParam(ctx, 'id');
    parseInput(noBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await retireCalendar(deps, actor, id, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });
  return router;
}
