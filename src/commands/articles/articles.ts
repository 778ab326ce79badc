import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ArticleCategory, ArticleCommand, ArticleFeedbackCommand, ArticleKind, Audience, ExistingArticle } from '../../domain/articles/index.js';
import { articleDecider, articleFeedbackDecider, articleFeedbackStream, articleStream, publishedContent } from '../../domain/articles/index.js';
import { NotFoundError } from '../../domain/errors.js';
import { can } from '../../domain/permissions.js';
import type { EventStore, LogPosition } from '../../eventstore/types.js';
import type { CatalogDependencies } from '../catalog/dependencies.js';
import { handleCommand, loadAggregate } from '../handle.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CommandContext } from '../metadata.js';
import { categoryIsActive } from '../../projections/catalog/queries.js';

/** Articles need what the catalog does: the store, the read models (for categories), the clock. */
export type ArticleDependencies = CatalogDependencies;

export interface ArticleWritten {
  readonly id: string;
  readonly position: LogPosition | null;
}

export interface ArticleInput {
  readonly title?: string;
  readonly body?: string;
  readonly tags?: readonly string[];
  /** `null` removes the category; absent leaves it. */
  readonly categoryId?: string | null;
  readonly audience?: Audience;
}

/**
 * Requesters read only what is published for them, whatever revision authors are working on;
 * anything else does not exist for them.
 */
export function seesArticle(actor: Actor, published: { readonly audience: Audience } | null): boolean {
  return can(actor.role, 'article.readAll') || published?.audience === 'public';
}

export async function loadVisibleArticle(store: EventStore, actor: Actor, id: string): Promise<ExistingArticle> {
  authorize(actor, 'article.read');
  const { state } = await loadAggregate(store, articleDecider, articleStream(id));
  if (state.status === 'none' || state.tenantId !== actor.tenantId) throw new NotFoundError('article not found');
  if (!seesArticle(actor, publishedContent(state))) throw new NotFoundError('article not found');
  return state;
}

export async function createArticle(deps: ArticleDependencies, actor: Actor, input: ArticleInput & { title: string; body: string; kind: ArticleKind }, context: CommandContext): Promise<ArticleWritten> {
  authorize(actor, 'article.write');
  const id = randomUUID();
  const category = input.categoryId ? await findCategory(deps.knex, actor.tenantId, input.categoryId) : null;
  const command: ArticleCommand = {
    type: 'CreateArticle',
    articleId: id,
    tenantId: actor.tenantId,
    kind: input.kind,
    title: input.title,
    body: input.body,
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
    ...(input.audience !== undefined ? { audience: input.audience } : {}),
    category,
    role: actor.role,
    now: context.now,
  };
  const result = await handleCommand(deps.commands, articleDecider, articleStream(id), command, context);
  return { id, position: result.position };
}

export async function editArticle(deps: ArticleDependencies, actor: Actor, id: string, input: ArticleInput, context: CommandContext, expectedVersion?: number): Promise<ArticleWritten> {
  await loadVisibleArticle(deps.commands.store, actor, id);
  authorize(actor, 'article.write');
  const category = input.categoryId === undefined ? undefined : input.categoryId === null ? null : await findCategory(deps.knex, actor.tenantId, input.categoryId);
  const command: ArticleCommand = {
    type: 'EditArticle',
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
    ...(input.audience !== undefined ? { audience: input.audience } : {}),
    ...(category !== undefined ? { category } : {}),
    role: actor.role,
    now: context.now,
  };
  return run(deps, id, command, context, expectedVersion);
}

export type ArticleTransition = 'submit' | 'publish' | 'archive' | 'discard-draft';
const TRANSITIONS = { submit: 'SubmitArticle', publish: 'PublishArticle', archive: 'ArchiveArticle', 'discard-draft': 'DiscardArticleDraft' } as const;
const PUBLISHING: ReadonlySet<ArticleTransition> = new Set(['publish', 'archive']);

export async function moveArticle(deps: ArticleDependencies, actor: Actor, id: string, transition: ArticleTransition, context: CommandContext, expectedVersion?: number): Promise<ArticleWritten> {
  await loadVisibleArticle(deps.commands.store, actor, id);
  authorize(actor, PUBLISHING.has(transition) ? 'article.publish' : 'article.write');
  return run(deps, id, { type: TRANSITIONS[transition], role: actor.role, now: context.now }, context, expectedVersion);
}

async function run(deps: ArticleDependencies, id: string, command: ArticleCommand, context: CommandContext, expectedVersion?: number): Promise<ArticleWritten> {
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, articleDecider, articleStream(id), command, context, options);
  return { id, position: result.position };
}

async function runFeedback(deps: ArticleDependencies, id: string, command: ArticleFeedbackCommand, context: CommandContext): Promise<ArticleWritten> {
  const result = await handleCommand(deps.commands, articleFeedbackDecider, articleFeedbackStream(id), command, context);
  return { id, position: result.position };
}

/** The categories read model is the catalog's list; another tenant's category is simply not found. */
async function findCategory(knex: Knex, tenantId: string, id: string): Promise<ArticleCategory> {
  const active = await categoryIsActive(knex, tenantId, id);
  return active === null ? { id, found: false } : { id, found: true, active };
}

/** One vote per user: voting again replaces the earlier vote. Anyone who can read the article may vote on it, auditors aside. */
export async function giveFeedback(deps: ArticleDependencies, actor: Actor, id: string, input: { helpful: boolean; comment?: string | undefined }, context: CommandContext): Promise<ArticleWritten> {
  authorize(actor, 'article.feedback');
  await loadVisibleArticle(deps.commands.store, actor, id);
  return runFeedback(deps, id, { type: 'GiveFeedback', userId: actor.userId, helpful: input.helpful, comment: input.comment ?? null, now: context.now }, context);
}

/** Readers of the article may comment on it; for requesters that means published public articles only. */
export async function commentOnArticle(deps: ArticleDependencies, actor: Actor, id: string, body: string, context: CommandContext): Promise<ArticleWritten & { commentId: string }> {
  authorize(actor, 'article.feedback');
  await loadVisibleArticle(deps.commands.store, actor, id);
  const commentId = randomUUID();
  const written = await runFeedback(deps, id, { type: 'CommentOnArticle', commentId, authorId: actor.userId, body, now: context.now }, context);
  return { ...written, commentId };
}

/** Whether `actor` may read the article: of their tenant, and visible to their role. Used by ticket links. */
export async function articleReadableBy(store: EventStore, actor: Actor, id: string): Promise<boolean> {
  try {
    await loadVisibleArticle(store, actor, id);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
