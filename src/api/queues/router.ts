import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { QueueDependencies } from '../../commands/queues/dependencies.js';
import { createQueue, setQueueActive, updateQueue } from '../../commands/queues/queues.js';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { NotFoundError } from '../../domain/errors.js';
import { ASSIGNMENT_STRATEGIES, MAX_POSITION, MAX_RULE_VALUES } from '../../domain/queue/index.js';
import { TICKET_TYPES } from '../../domain/ticket/index.js';
import type { LogPosition } from '../../eventstore/types.js';
import { getQueue, listQueues } from '../../projections/queues/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, listQuery, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';

const id = z.uuid().transform((value) => value.toLowerCase());
const rules = z
  .object({
    ticketTypes: z.array(z.enum(TICKET_TYPES)).max(TICKET_TYPES.length * 2).optional(),
    categoryIds: z.array(id).max(MAX_RULE_VALUES).optional(),
    serviceIds: z.array(id).max(MAX_RULE_VALUES).optional(),
  })
  .strict();
const strategy = z.enum(ASSIGNMENT_STRATEGIES);
const position = z.number().int().min(0).max(MAX_POSITION);
export const createBody = z
  .object({
    name: z.string().max(120),
    description: z.string().max(2000).optional(),
    teamId: id,
    rules: rules.default({}),
    position: position.default(0),
    strategy: strategy.default('none'),
  })
  .strict();
export const patchBody = z
  .object({
    name: z.string().max(120).optional(),
    description: z.string().max(2000).optional(),
    teamId: id.optional(),
    rules: rules.optional(),
    position: position.optional(),
    strategy: strategy.optional(),
  })
  .strict();
export const queuesQuery = listQuery.extend({ active: z.enum(['true', 'false']).transform((value) => value === 'true').optional(), teamId: id.optional() }).strict();
const noBody = z.object({}).strict().optional();

/** `/api/v1/queues`: how new tickets are routed. Agents read them; managers and admins set them. */
export function queuesRouter(deps: QueueDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/queues' });
  router.use(authenticate);
  const read = (actor: Actor, queueId: string) => () => getQueue(deps.knex, actor.tenantId, queueId);

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createQueue(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/queues/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(queuesQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'queue.read');
    ctx.body = await listQueues(deps.knex, actor.tenantId, query);
  });

  router.get('/:id', async (ctx) => {
    const queueId = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'queue.read');
    const queue = await read(actor, queueId)();
    if (!queue) throw new NotFoundError('queue not found');
    setVersion(ctx, queue.version);
    ctx.body = queue;
  });

  router.patch('/:id', async (ctx) => {
    const queueId = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await updateQueue(deps, actor, queueId, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, queueId), status: 200 });
  });

  for (const [path, active] of [['/:id/deactivate', false], ['/:id/reactivate', true]] as const) {
    router.post(path, async (ctx) => {
      const queueId = idParam(ctx, 'id');
      parseInput(noBody, ctx.state.body);
      const actor = actorOf(ctx);
      const written = await setQueueActive(deps, actor, queueId, active, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
      await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, queueId), status: 200 });
    });
  }
  return router;
}
