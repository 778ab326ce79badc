import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Actor } from '../../commands/identity/actor.js';
import type { TicketDependencies } from '../../commands/tickets/dependencies.js';
import { openTicket } from '../../commands/tickets/open.js';
import type { BulkAction, BulkOutcome } from '../../commands/tickets/bulk.js';
import { bulkTickets } from '../../commands/tickets/bulk.js';
import { linkArticle } from '../../commands/tickets/articles.js';
import { listTicketArticles } from '../../projections/articles/queries.js';
import { settleTicket } from '../../commands/tickets/linked-incidents.js';
import { mergeTickets, splitTicket, unmergeTicket } from '../../commands/tickets/merge.js';
import { ticketSla } from '../../commands/tickets/sla.js';
import { ticketHistory } from '../../audit/ticket-history.js';
import { ticketAsOf } from '../../audit/time-travel.js';
import { z } from 'zod';
import type { Problem } from '../problem.js';
import { renderProblem } from '../problem.js';
import { comparePositions, streamCategory } from '../../eventstore/types.js';
import type { TicketWritten } from '../../commands/tickets/open.js';
import type { LifecycleStep } from '../../commands/tickets/work.js';
import {
  assignTicket,
  commentOnTicket,
  decideApproval,
  deleteTicket,
  editComment,
  linkTicket,
  moveTicket,
  overridePriority,
  requestApproval,
  restoreTicket,
  unlinkTicket,
  updateTicket,
  watchTicket,
} from '../../commands/tickets/work.js';
import { NotFoundError } from '../../domain/errors.js';
import { can } from '../../domain/permissions.js';
import { TICKET_NUMBER_PATTERN } from '../../domain/ticket/index.js';
import type { LogPosition } from '../../eventstore/types.js';
import type { TicketScope } from '../../projections/tickets/queries.js';
import { getTicket, listComments, listTickets, ticketIdByNumber } from '../../projections/tickets/queries.js';
import type { AppContext, AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, respondAfterWrite, setVersion } from '../http.js';
import { replaysFromLog } from '../middleware/idempotency.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import * as schema from './schemas.js';
import type { SearchIndex } from '../../search/index.js';
import { ticketIdsMatching } from '../search/router.js';

/** The list's filters plus `q`: words to look for, through the search index. */
export const listWithText = schema.listQuery.extend({ q: z.string().trim().min(1).max(200).optional() });

const scopeOf = (actor: Actor): TicketScope => ({ tenantId: actor.tenantId, requesterId: can(actor.role, 'ticket.readAll') ? null : actor.userId });

/** One ticket's line in a bulk answer: its status, and the problem when it was refused. */
function outcomeView(outcome: BulkOutcome): { id: string; status: number; problem?: Problem } {
  if (outcome.ok) return { id: outcome.id, status: 200 };
  const { problem, ours } = renderProblem(outcome.error);
  return { id: outcome.id, status: problem.status, problem: ours ? { ...problem, detail: 'failed on our side' } : problem };
}

function bulkAction(action: z.infer<typeof schema.bulkBody>['action'], params: z.infer<typeof schema.bulkBody>['params']): BulkAction {
  switch (action) {
    case 'assign':
      return { action, params: { assigneeId: params.assigneeId ?? null, ...(params.teamId !== undefined ? { teamId: params.teamId } : {}) } };
    case 'delete':
    case 'restore':
      return { action };
    default:
      return { action, params: Object.fromEntries(Object.entries({ reason: params.reason, code: params.code, notes: params.notes }).filter((entry): entry is [string, string] => entry[1] !== undefined)) };
  }
}

export function ticketsRouter(deps: TicketDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>, search: SearchIndex): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/tickets' });
  router.use(authenticate);

  /** The path's ticket: a UUID, or a human number such as INC-000042. */
  async function ticketParam(ctx: AppContext): Promise<string> {
    const raw = (ctx.params as Record<string, string | undefined>).id ?? '';
    if (TICKET_NUMBER_PATTERN.test(raw)) {
      const id = await ticketIdByNumber(deps.knex, scopeOf(actorOf(ctx)), raw);
      if (!id) throw new NotFoundError('ticket not found');
      return id;
    }
    return idParam(ctx, 'id');
  }

  /** Answers a command with the ticket as projected after it (read-your-writes). */
  async function respond(ctx: AppContext, written: TicketWritten, status = 200): Promise<void> {
    const scope = scopeOf(actorOf(ctx));
    await respondAfterWrite(ctx, {
      position: written.position,
      waitFor,
      read: () => getTicket(deps.knex, scope, written.ticketId),
      status,
      ...(status === 201 ? { location: `/api/v1/tickets/${written.ticketId}` } : {}),
    });
  }

  const context = (ctx: AppContext) => commandContext(ctx, actorOf(ctx), deps.clock());

  /** A retry of an opening whose answer was lost in a crash: the ticket that opening created. */
  const replayOpened = replaysFromLog(async (ctx, events) => {
    const opened = events.filter((event) => streamCategory(event.streamId) === 'ticket');
    const first = opened[0];
    if (!first) return false;
    const position = opened.filter((event) => event.streamId === first.streamId).at(-1)!.position;
    await respond(ctx, { ticketId: first.streamId.slice('ticket-'.length), position }, 201);
    return true;
  });

  router.post('/', replayOpened, async (ctx) => {
    const input = parseInput(schema.openBody, ctx.state.body);
    await respond(ctx, await openTicket(deps, actorOf(ctx), input, context(ctx)), 201);
  });

  router.post('/bulk', async (ctx) => {
    const input = parseInput(schema.bulkBody, ctx.state.body);
    const outcomes = await bulkTickets(deps, actorOf(ctx), input.ids, bulkAction(input.action, input.params), context(ctx));
    const positions = outcomes.flatMap((outcome) => (outcome.ok && outcome.written.position ? [outcome.written.position] : []));
    const last = positions.reduce<LogPosition | null>((latest, position) => (!latest || comparePositions(position, latest) > 0 ? position : latest), null);
    if (last) await waitFor(last);
    const results = outcomes.map(outcomeView);
    ctx.body = { results, succeeded: results.filter((result) => result.status < 300).length, failed: results.filter((result) => result.status >= 300).length };
  });

  router.get('/', async (ctx) => {
    const { q, ...query } = parseInput(listWithText, ctx.query, 'query');
    const actor = actorOf(ctx);
    const ids = q === undefined ? undefined : await ticketIdsMatching(search, actor, q);
    ctx.body = await listTickets(deps.knex, scopeOf(actor), { ...query, ...(ids ? { ids } : {}) });
  });

  router.get('/:id', async (ctx) => {
    const id = await ticketParam(ctx);
    const travel = parseInput(schema.asOfQuery, ctx.query, 'query');
    // Time travel: the ticket as the read model showed it then (auditors, managers, admins).
    if (travel.asOf !== undefined || travel.asOfVersion !== undefined) {
      const point = travel.asOfVersion !== undefined ? { asOfVersion: travel.asOfVersion } : { asOf: new Date(travel.asOf!) };
      ctx.body = await ticketAsOf(deps.knex, deps.commands.store, actorOf(ctx), id, point);
      return;
    }
    const ticket = await getTicket(deps.knex, scopeOf(actorOf(ctx)), id);
    if (!ticket) throw new NotFoundError('ticket not found');
    setVersion(ctx, ticket.version);
    ctx.body = ticket;
  });

  // The auditor's view: every event of the stream, deleted tickets included, each with what it changed.
  router.get('/:id/history', async (ctx) => {
    const id = await ticketParam(ctx);
    ctx.body = { data: await ticketHistory(deps.commands.store, actorOf(ctx), id) };
  });

  router.patch('/:id', async (ctx) => {
    const id = await ticketParam(ctx);
    const changes = parseInput(schema.patchBody, ctx.state.body);
    await respond(ctx, await updateTicket(deps, actorOf(ctx), id, changes, context(ctx), expectedVersion(ctx)));
  });

  router.post('/:id/priority', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.priorityBody, ctx.state.body);
    await respond(ctx, await overridePriority(deps, actorOf(ctx), id, input, context(ctx), expectedVersion(ctx)));
  });

  router.post('/:id/assign', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.assignBody, ctx.state.body);
    await respond(ctx, await assignTicket(deps, actorOf(ctx), id, input, context(ctx), expectedVersion(ctx)));
  });

  const steps: Array<[string, (body: unknown) => LifecycleStep]> = [
    ['start', (body) => (parseInput(schema.emptyBody, body), { action: 'start' })],
    ['pend', (body) => ({ action: 'pend', ...parseInput(schema.reasonBody, body) })],
    ['resume', (body) => (parseInput(schema.emptyBody, body), { action: 'resume' })],
    ['reopen', (body) => ({ action: 'reopen', ...parseInput(schema.reasonBody, body) })],
    ['cancel', (body) => ({ action: 'cancel', ...parseInput(schema.reasonBody, body) })],
  ];
  for (const [name, readStep] of steps) {
    router.post(`/:id/${name}`, async (ctx) => {
      const id = await ticketParam(ctx);
      const step = readStep(ctx.state.body);
      await respond(ctx, await moveTicket(deps, actorOf(ctx), id, step, context(ctx), expectedVersion(ctx)));
    });
  }

  // Resolving or closing a problem may settle the incidents it caused, each with its own result.
  for (const name of ['resolve', 'close'] as const) {
    router.post(`/:id/${name}`, async (ctx) => {
      const id = await ticketParam(ctx);
      const actor = actorOf(ctx);
      const input = name === 'resolve' ? parseInput(schema.resolveBody, ctx.state.body) : { ...parseInput(schema.closeBody, ctx.state.body), code: '', notes: '' };
      const step = name === 'resolve' ? { action: 'resolve' as const, code: input.code, notes: input.notes } : { action: 'close' as const };
      const { written, incidents } = await settleTicket(deps, actor, id, step, { withLinkedIncidents: input.resolveLinkedIncidents === true, expectedVersion: expectedVersion(ctx) }, context(ctx));
      if (!input.resolveLinkedIncidents) return respond(ctx, written);
      await respond(ctx, written);
      for (const outcome of incidents) if (outcome.ok && outcome.written.position) await waitFor(outcome.written.position);
      ctx.body = { ...(ctx.body as object), linkedIncidents: incidents.map(outcomeView) };
    });
  }

  router.get('/:id/sla', async (ctx) => {
    const id = await ticketParam(ctx);
    ctx.body = await ticketSla(deps, actorOf(ctx), id, deps.clock());
  });

  router.post('/:id/sla/what-if', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.whatIfBody, ctx.state.body);
    ctx.body = await ticketSla(deps, actorOf(ctx), id, deps.clock(), input.policyId);
  });

  router.post('/:id/merge', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.mergeBody, ctx.state.body);
    const { duplicate, master } = await mergeTickets(deps, actorOf(ctx), id, input.masterId, context(ctx));
    if (master.position) await waitFor(master.position);
    await respond(ctx, duplicate);
  });

  // Undo a mistaken merge: the duplicate reopens, the master lets go of what the merge copied in.
  router.post('/:id/unmerge', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.reasonBody, ctx.state.body);
    const { duplicate, master } = await unmergeTicket(deps, actorOf(ctx), id, input.reason, context(ctx));
    if (master.position) await waitFor(master.position);
    await respond(ctx, duplicate);
  });

  router.post('/:id/split', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.splitBody, ctx.state.body);
    const { original, created } = await splitTicket(deps, actorOf(ctx), id, input, context(ctx));
    if (original.position) await waitFor(original.position);
    await respond(ctx, created, 201);
  });

  router.get('/:id/comments', async (ctx) => {
    const id = await ticketParam(ctx);
    const actor = actorOf(ctx);
    if (!(await getTicket(deps.knex, scopeOf(actor), id))) throw new NotFoundError('ticket not found');
    ctx.body = { data: await listComments(deps.knex, id, can(actor.role, 'ticket.readInternal')) };
  });

  router.post('/:id/comments', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.commentBody, ctx.state.body);
    const written = await commentOnTicket(deps, actorOf(ctx), id, input, context(ctx));
    if (written.position && !(await waitFor(written.position))) {
      ctx.status = 202;
      ctx.body = { status: 'accepted', commentId: written.commentId };
      return;
    }
    const comment = (await listComments(deps.knex, id, true)).find((candidate) => candidate.id === written.commentId);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/tickets/${id}/comments/${written.commentId}`);
    ctx.body = comment;
  });

  router.patch('/:id/comments/:commentId', async (ctx) => {
    const id = await ticketParam(ctx);
    const commentId = idParam(ctx, 'commentId');
    const input = parseInput(schema.editCommentBody, ctx.state.body);
    const written = await editComment(deps, actorOf(ctx), id, commentId, input.body, context(ctx));
    if (written.position) await waitFor(written.position);
    ctx.body = (await listComments(deps.knex, id, true)).find((candidate) => candidate.id === commentId);
  });

  // Articles that helped with the ticket; requesters see only the ones published for them.
  router.get('/:id/articles', async (ctx) => {
    const id = await ticketParam(ctx);
    const actor = actorOf(ctx);
    if (!(await getTicket(deps.knex, scopeOf(actor), id))) throw new NotFoundError('ticket not found');
    ctx.body = { data: await listTicketArticles(deps.knex, actor.tenantId, id, { includeUnpublished: can(actor.role, 'article.readAll') }) };
  });

  router.post('/:id/articles', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.articleLinkBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await linkArticle(deps, actor, id, input.articleId, context(ctx));
    const visibility = { includeUnpublished: can(actor.role, 'article.readAll') };
    if (written.position) await waitFor(written.position);
    ctx.status = 201;
    ctx.body = { data: await listTicketArticles(deps.knex, actor.tenantId, id, visibility) };
  });

  router.post('/:id/links', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.linkBody, ctx.state.body);
    await respond(ctx, await linkTicket(deps, actorOf(ctx), id, input, context(ctx)), 201);
  });

  router.delete('/:id/links/:linkId', async (ctx) => {
    const id = await ticketParam(ctx);
    await respond(ctx, await unlinkTicket(deps, actorOf(ctx), id, idParam(ctx, 'linkId'), context(ctx)));
  });

  router.post('/:id/watchers', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.watcherBody, ctx.state.body);
    await respond(ctx, await watchTicket(deps, actorOf(ctx), id, input.userId, true, context(ctx)));
  });

  router.delete('/:id/watchers/:userId', async (ctx) => {
    const id = await ticketParam(ctx);
    await respond(ctx, await watchTicket(deps, actorOf(ctx), id, idParam(ctx, 'userId'), false, context(ctx)));
  });

  router.post('/:id/approvals', async (ctx) => {
    const id = await ticketParam(ctx);
    const input = parseInput(schema.approvalsBody, ctx.state.body);
    await respond(ctx, await requestApproval(deps, actorOf(ctx), id, input.approverIds, context(ctx)));
  });

  for (const [name, decision] of [['approve', 'approved'], ['reject', 'rejected']] as const) {
    router.post(`/:id/${name}`, async (ctx) => {
      const id = await ticketParam(ctx);
      const input = parseInput(schema.decisionBody, ctx.state.body);
      await respond(ctx, await decideApproval(deps, actorOf(ctx), id, decision, input.comment, context(ctx)));
    });
  }

  router.delete('/:id', async (ctx) => {
    const id = await ticketParam(ctx);
    const written = await deleteTicket(deps, actorOf(ctx), id, context(ctx), expectedVersion(ctx));
    if (written.position) await waitFor(written.position);
    ctx.status = 204;
  });

  router.post('/:id/restore', async (ctx) => {
    const id = idParam(ctx, 'id');
    parseInput(schema.emptyBody, ctx.state.body);
    await respond(ctx, await restoreTicket(deps, actorOf(ctx), id, context(ctx)));
  });

  return router;
}
