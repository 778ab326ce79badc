import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { ArticleDependencies, ArticleTransition } from '../../commands/articles/articles.js';
import { commentOnArticle, createArticle, editArticle, giveFeedback, loadVisibleArticle, moveArticle } from '../../commands/articles/articles.js';
import type { Actor } from '../../commands/identity/actor.js';
import { authorize } from '../../commands/identity/actor.js';
import { ARTICLE_KINDS, AUDIENCES, diffVersions } from '../../domain/articles/index.js';
import { NotFoundError } from '../../domain/errors.js';
import { can } from '../../domain/permissions.js';
import type { LogPosition } from '../../eventstore/types.js';
import type { ArticleVisibility } from '../../projections/articles/queries.js';
import { getArticle, getArticleVersion, listArticleComments, listArticles, listArticleVersions } from '../../projections/articles/queries.js';
import type { AppState } from '../context.js';
import { commandContext, expectedVersion, idParam, listQuery, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { withHtml } from './render.js';

const uuid = z.uuid().transform((id) => id.toLowerCase());
const content = {
  title: z.string().max(300),
  body: z.string().max(100_000),
  tags: z.array(z.string().max(50)).max(20),
  categoryId: uuid.nullable(),
  audience: z.enum(AUDIENCES),
};
export const createBody = z.object({ ...content, kind: z.enum(ARTICLE_KINDS).default('article'), tags: content.tags.optional(), categoryId: content.categoryId.optional(), audience: content.audience.optional() }).strict();
export const patchBody = z.object(content).partial().strict();
export const articlesQuery = listQuery
  .extend({
    status: z.enum(['draft', 'in_review', 'published', 'archived']).optional(),
    kind: z.enum(ARTICLE_KINDS).optional(),
    audience: z.enum(AUDIENCES).optional(),
    tag: z.string().min(1).max(50).optional(),
    categoryId: uuid.optional(),
  })
  .strict();
const noBody = z.object({}).strict().optional();
export const feedbackBody = z.object({ helpful: z.boolean(), comment: z.string().max(2000).optional() }).strict();
export const commentBody = z.object({ body: z.string().min(1).max(10_000) }).strict();
const versionParam = z.coerce.number().int().min(1).max(1_000_000);
export const diffQuery = z.strictObject({ from: versionParam, to: versionParam });

function visibilityOf(actor: Actor): ArticleVisibility {
  return { includeUnpublished: can(actor.role, 'article.readAll') };
}

/** `/api/v1/articles`: the knowledge base. Agents write drafts, managers publish, everyone reads what is published for them. */
export function articlesRouter(deps: ArticleDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/articles' });
  router.use(authenticate);
  const read = (actor: Actor, id: string) => async () => {
    const article = await getArticle(deps.knex, actor.tenantId, id, visibilityOf(actor));
    return article && withHtml(article);
  };

  router.post('/', async (ctx) => {
    const input = parseInput(createBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await createArticle(deps, actor, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, written.id), status: 201, location: `/api/v1/articles/${written.id}` });
  });

  router.get('/', async (ctx) => {
    const query = parseInput(articlesQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    authorize(actor, 'article.read');
    const page = await listArticles(deps.knex, actor.tenantId, query, visibilityOf(actor));
    ctx.body = { ...page, data: page.data.map(withHtml) };
  });

  router.get('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    authorize(actor, 'article.read');
    const article = await read(actor, id)();
    if (!article) throw new NotFoundError('article not found');
    setVersion(ctx, article.version);
    ctx.body = article;
  });

  router.patch('/:id', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(patchBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await editArticle(deps, actor, id, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });

  for (const transition of ['submit', 'publish', 'archive', 'discard-draft'] as const satisfies readonly ArticleTransition[]) {
    router.post(`/:id/${transition}`, async (ctx) => {
      const id = idParam(ctx, 'id');
      parseInput(noBody, ctx.state.body);
      const actor = actorOf(ctx);
      const written = await moveArticle(deps, actor, id, transition, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
      await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
    });
  }

  // Answers with the article, so the caller sees the counts their vote left.
  router.post('/:id/feedback', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(feedbackBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await giveFeedback(deps, actor, id, input, commandContext(ctx, actor, deps.clock()));
    await respondAfterWrite(ctx, { position: written.position, waitFor, read: read(actor, id), status: 200 });
  });

  router.get('/:id/comments', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    await loadVisibleArticle(deps.commands.store, actor, id);
    ctx.body = { data: await listArticleComments(deps.knex, actor.tenantId, id) };
  });

  router.post('/:id/comments', async (ctx) => {
    const id = idParam(ctx, 'id');
    const input = parseInput(commentBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await commentOnArticle(deps, actor, id, input.body, commandContext(ctx, actor, deps.clock()));
    if (written.position) await waitFor(written.position);
    ctx.status = 201;
    ctx.body = (await listArticleComments(deps.knex, actor.tenantId, id)).find((candidate) => candidate.id === written.commentId) ?? { id: written.commentId };
  });

  // The history holds drafts: it is the authors' view, so requesters are refused it even for an article they can read.
  router.get('/:id/versions', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    await loadVisibleArticle(deps.commands.store, actor, id);
    authorize(actor, 'article.readAll');
    ctx.body = { data: await listArticleVersions(deps.knex, actor.tenantId, id) };
  });

  router.get('/:id/versions/:n', async (ctx) => {
    const id = idParam(ctx, 'id');
    const actor = actorOf(ctx);
    await loadVisibleArticle(deps.commands.store, actor, id);
    authorize(actor, 'article.readAll');
    const n = versionParam.safeParse((ctx.params as Record<string, string | undefined>).n);
    const version = n.success ? await getArticleVersion(deps.knex, actor.tenantId, id, n.data) : null;
    if (!version) throw new NotFoundError('version not found');
    ctx.body = withHtml(version);
  });

  // Reviewers compare what an edit changed before they publish it; same audience as the history.
  router.get('/:id/diff', async (ctx) => {
    const id = idParam(ctx, 'id');
    const { from, to } = parseInput(diffQuery, ctx.query, 'query');
    const actor = actorOf(ctx);
    await loadVisibleArticle(deps.commands.store, actor, id);
    authorize(actor, 'article.readAll');
    const [older, newer] = await Promise.all([getArticleVersion(deps.knex, actor.tenantId, id, from), getArticleVersion(deps.knex, actor.tenantId, id, to)]);
    if (!older || !newer) throw new NotFoundError(`version ${!older ? from : to} not found`);
    ctx.body = { articleId: id, ...diffVersions(older, newer) };
  });
  return router;
}
