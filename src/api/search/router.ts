import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { can } from '../../domain/permissions.js';
import { DomainError } from '../../domain/errors.js';
import { SearchUnavailableError } from '../../search/errors.js';
import type { SearchFilters, SearchIndex, SearchKind, SearchPage, SearchRequest, SearchScope } from '../../search/index.js';
import { SEARCH_KINDS } from '../../search/index.js';
import type { AppState } from '../context.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';

/** What the caller may match, from the permission table only. */
export function searchScopeOf(actor: Actor): SearchScope {
  return {
    tickets: can(actor.role, 'ticket.readAll') ? 'all' : { requesterId: actor.userId },
    articles: can(actor.role, 'article.readAll') ? 'all' : can(actor.role, 'article.read') ? 'published_public' : 'none',
    assets: can(actor.role, 'asset.read') ? 'all' : can(actor.role, 'asset.readOwn') ? { ownerUserId: actor.userId } : 'none',
    internalText: can(actor.role, 'ticket.readInternal'),
  };
}

const uuid = z.uuid().transform((id) => id.toLowerCase());
const TOKEN = /^[a-z_]{1,32}$/;
/** `a,b,c`: a few short values. */
const csv = (values?: readonly string[]) =>
  z
    .string()
    .max(200)
    .transform((text) => text.split(',').map((value) => value.trim()).filter((value) => value.length > 0))
    .pipe(z.array(values ? z.enum(values as [string, ...string[]]) : z.string().regex(TOKEN)).min(1).max(10));

export const searchQuery = z
  .object({
    q: z.string().trim().min(1).max(200),
    type: csv(SEARCH_KINDS).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(512).optional(),
    status: csv().optional(),
    ticketType: csv().optional(),
    priority: csv().optional(),
    audience: csv(['public', 'internal']).optional(),
    teamId: uuid.optional(),
    assigneeId: uuid.optional(),
    requesterId: uuid.optional(),
    categoryId: uuid.optional(),
    ownerUserId: uuid.optional(),
  })
  .strict();

function filtersOf(query: z.infer<typeof searchQuery>): SearchFilters {
  const one = (value: string | undefined) => (value === undefined ? undefined : [value]);
  const entries = Object.entries({
    status: query.status,
    ticketType: query.ticketType,
    priority: query.priority,
    audience: query.audience,
    teamId: one(query.teamId),
    assigneeId: one(query.assigneeId),
    requesterId: one(query.requesterId),
    categoryId: one(query.categoryId),
    ownerUserId: one(query.ownerUserId),
  }).filter((entry): entry is [string, string[]] => entry[1] !== undefined);
  return Object.fromEntries(entries);
}

/**
 * `GET /api/v1/search`: tickets, articles and assets in one ranked list. Every query runs inside
 * the caller's tenant and scope: a requester matches only their own tickets, published public
 * articles and the assets assigned to them, and never internal text.
 */
export function searchRouter(index: SearchIndex, authenticate: Middleware<AppState>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/search' });
  router.use(authenticate);

  router.get('/', async (ctx) => {
    const actor = actorOf(ctx);
    authorize(actor, 'search.query');
    const query = parseInput(searchQuery, ctx.query, 'query');
    const kinds: readonly SearchKind[] = query.type ? [...new Set(query.type as SearchKind[])] : SEARCH_KINDS;
    ctx.body = await queryIndex(index, { tenantId: actor.tenantId, text: query.q, kinds, filters: filtersOf(query), scope: searchScopeOf(actor), limit: query.limit, cursor: query.cursor });
  });

  return router;
}

/** How many matches a text filter on the ticket list considers: the best-ranked ones. */
export const TICKET_TEXT_MATCH_CAP = 1_000;

/**
 * The tickets a text matches, for `GET /api/v1/tickets?q=`: through the same port and scope as
 * `/search`, then listed in the list's own order. Only the best-ranked matches up to the cap count.
 */
export async function ticketIdsMatching(index: SearchIndex, actor: Actor, text: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryIndex(index, { tenantId: actor.tenantId, text, kinds: ['ticket'], filters: {}, scope: searchScopeOf(actor), limit: 100, cursor });
    ids.push(...page.data.map((hit) => hit.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length < TICKET_TEXT_MATCH_CAP);
  return ids;
}

/** A refusal of the request (a bad cursor) stays what it is; any other failure is the index being away. */
async function queryIndex(index: SearchIndex, request: SearchRequest): Promise<SearchPage> {
  try {
    return await index.query(request);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new SearchUnavailableError(error);
  }
}
