import type { ArticleStage } from '../../support/article-fixtures.js';
import { createArticle } from '../../support/article-fixtures.js';
import { uniqueSuffix } from '../../support/identity-fixtures.js';
import type { RouteCase, World } from './cases.js';
import { signedIn } from './cases.js';

/** Articles the cases share, made once per world: a published public one and a draft in tenant A, one in tenant B. */
interface ArticleTargets {
  readonly published: string;
  readonly draft: string;
}
const articleTargets = new Map<string, Promise<ArticleTargets>>();

export function sharedArticles(world: World): Promise<ArticleTargets> {
  let targets = articleTargets.get(world.a.id);
  if (!targets) {
    targets = (async () => {
      const [published, draft, foreign] = await Promise.all([
        createArticle(world.baseUrl, world.a.sessions.admin.accessToken, 'published'),
        createArticle(world.baseUrl, world.a.sessions.admin.accessToken, 'draft'),
        // So the other tenant's admin lists rows of their own, whatever ran before.
        createArticle(world.baseUrl, world.b.sessions.admin.accessToken, 'published'),
      ]);
      world.a.ids.add(published.id).add(draft.id);
      world.b.ids.add(foreign.id);
      return { published: published.id, draft: draft.id };
    })();
    articleTargets.set(world.a.id, targets);
  }
  return targets;
}

/** A fresh article of tenant A at `stage`, so a case that moves it disturbs nobody else. */
export async function freshArticle(world: World, stage: ArticleStage): Promise<string> {
  const article = await createArticle(world.baseUrl, world.a.sessions.admin.accessToken, stage);
  world.a.ids.add(article.id);
  return article.id;
}

/**
 * Agents write and submit drafts, managers publish and archive; requesters read published public
 * articles only, so anything else answers them 404, and the history (drafts included) 403.
 */
export function articleRoutes(): Record<string, RouteCase> {
  const base = '/api/v1/articles';
  const hiddenFromRequesters = signedIn(200, 200, 200, 404, 404);
  return {
    [`POST ${base}`]: { expect: signedIn(201, 201, 201, 403, 201), prepare: () => Promise.resolve({ body: { title: `Article ${uniqueSuffix()}`, body: 'made by the route matrix' } }) },
    [`GET ${base}`]: {
      expect: signedIn(200, 200, 200, 200, 200),
      list: true,
      prepare: async (world) => {
        await sharedArticles(world);
        return {};
      },
    },
    [`GET ${base}/:id`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: { id: (await sharedArticles(world)).published } }) },
    [`GET ${base}/:id #draft`]: { expect: hiddenFromRequesters, prepare: async (world) => ({ params: { id: (await sharedArticles(world)).draft } }) },
    [`PATCH ${base}/:id`]: { expect: hiddenFromRequesters, prepare: async (world) => ({ params: { id: (await sharedArticles(world)).draft }, body: { title: `Renamed ${uniqueSuffix()}` } }) },
    [`POST ${base}/:id/submit`]: { expect: hiddenFromRequesters, prepare: async (world) => ({ params: { id: await freshArticle(world, 'draft') } }) },
    [`POST ${base}/:id/publish`]: { expect: signedIn(200, 200, 403, 404, 404), prepare: async (world) => ({ params: { id: await freshArticle(world, 'in_review') } }) },
    [`POST ${base}/:id/archive`]: { expect: signedIn(200, 200, 403, 403, 404), prepare: async (world) => ({ params: { id: await freshArticle(world, 'published') } }) },
    // A requester can read the published version, so being refused the revision is 403, not 404.
    [`POST ${base}/:id/discard-draft`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: await freshArticle(world, 'revising') } }) },
    // Readers vote and comment on what they can read; a requester's draft is not there for them.
    [`POST ${base}/:id/feedback`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: { id: (await sharedArticles(world)).published }, body: { helpful: true } }) },
    [`POST ${base}/:id/feedback #draft`]: { expect: hiddenFromRequesters, prepare: async (world) => ({ params: { id: (await sharedArticles(world)).draft }, body: { helpful: false } }) },
    [`GET ${base}/:id/comments`]: { expect: signedIn(200, 200, 200, 200, 404), prepare: async (world) => ({ params: { id: (await sharedArticles(world)).published } }) },
    [`POST ${base}/:id/comments`]: { expect: signedIn(201, 201, 201, 201, 404), prepare: async (world) => ({ params: { id: (await sharedArticles(world)).published }, body: { body: 'made by the route matrix' } }) },
    [`GET ${base}/:id/versions`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await sharedArticles(world)).published } }) },
    [`GET ${base}/:id/versions/:n`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await sharedArticles(world)).published, n: '1' } }) },
    [`GET ${base}/:id/diff`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: async (world) => ({ params: { id: (await sharedArticles(world)).published }, query: 'from=1&to=1' }) },
  };
}
