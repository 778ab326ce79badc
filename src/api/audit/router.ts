import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { verifyTenant } from '../../audit/anchors.js';
import { verifyStream } from '../../audit/chain-verifier.js';
import { withoutSecrets } from '../../audit/redaction.js';
import { readTenantLog, streamBelongsTo } from '../../audit/tenant-log.js';
import { authorize } from '../../commands/identity/actor.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { EventStore, LogPosition } from '../../eventstore/types.js';
import { formatPosition, parsePosition } from '../../eventstore/types.js';
import type { AppState } from '../context.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';

export const verifyQuery = z.strictObject({ stream: z.string().regex(/^[a-z][a-z0-9]*-[A-Za-z0-9:._-]{1,200}$/, 'a stream id such as ticket-<uuid>').optional() });
export const eventsQuery = z.strictObject({ after: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * `/api/v1/audit`: what an auditor needs to trust the history. `verify` recomputes one stream's
 * hash chain (src/eventstore/chain.ts), or without `stream` checks every stream the tenant's
 * anchors name (src/audit/anchors.ts); `events` pages through the tenant's part of the log for
 * export, in log order, with a cursor an exporter keeps to resume later.
 *
 * Verification reads `sealedLog`, the log as stored (people's names and emails sealed), since the
 * chain covers those bytes. The export reads `store`, as the rest of the API does: readable
 * names of people not forgotten, the redaction markers for those who were. It was never meant for
 * recomputing links (credentials are redacted in it too); the verifier does that.
 */
export function auditRouter(deps: { readonly store: EventStore; readonly sealedLog: EventStore; readonly clock: () => Date }, authenticate: Middleware<AppState>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/audit' });
  router.use(authenticate);

  router.get('/verify', async (ctx) => {
    const actor = actorOf(ctx);
    authorize(actor, 'audit.verify');
    const { stream } = parseInput(verifyQuery, ctx.query, 'query');
    // Without a stream: the whole tenant, as far as its anchors reach.
    if (stream === undefined) {
      ctx.body = { ...(await verifyTenant(deps.sealedLog, actor.tenantId)), verifiedAt: deps.clock().toISOString() };
      return;
    }
    if (!(await streamBelongsTo(deps.sealedLog, stream, actor.tenantId))) throw new NotFoundError('stream not found');
    const verification = await verifyStream(deps.sealedLog, stream);
    ctx.body = { ...verification, verifiedAt: deps.clock().toISOString() };
  });

  router.get('/events', async (ctx) => {
    const actor = actorOf(ctx);
    authorize(actor, 'audit.export');
    const query = parseInput(eventsQuery, ctx.query, 'query');
    let after: LogPosition | null = null;
    if (query.after !== undefined) {
      after = parsePosition(query.after);
      if (!after) throw new ValidationError('invalid query', [{ path: '/after', message: 'a position from an earlier page (nextCursor)' }]);
    }
    const page = await readTenantLog(deps.store, actor.tenantId, after, query.limit);
    ctx.body = {
      data: page.events.map((event) => ({
        position: formatPosition(event.position),
        streamId: event.streamId,
        revision: event.revision,
        id: event.id,
        type: event.type,
        recordedAt: event.recordedAt.toISOString(),
        data: withoutSecrets(event.data),
        metadata: event.metadata,
        hash: event.hash ?? null,
      })),
      nextCursor: formatPosition(page.cursor),
      end: page.isEnd,
    };
  });
  return router;
}
