import { call } from './api.js';
import { bearer, expectStatus, uniqueSuffix } from './identity-fixtures.js';

/** Articles set up over the real HTTP API, walked through the workflow as far as a test needs. */

/** `revising`: published, with its next version pending as a draft. */
export type ArticleStage = 'draft' | 'in_review' | 'published' | 'archived' | 'revising';

export interface ArticleResponse {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly bodyHtml: string;
  readonly status: string;
  readonly audience: string;
  readonly contentVersion: number;
  readonly publishedVersion: number | null;
  readonly version: number;
}

const STEPS = { in_review: ['submit'], published: ['submit', 'publish'], archived: ['submit', 'publish', 'archive'], revising: ['submit', 'publish'], draft: [] } as const;

/** `adminToken` walks the workflow: submitting, publishing and archiving are all an admin's. */
export async function createArticle(baseUrl: string, adminToken: string, stage: ArticleStage = 'draft', extra: Record<string, unknown> = {}): Promise<ArticleResponse> {
  const created = await call<ArticleResponse>(baseUrl, '/api/v1/articles', { method: 'POST', headers: bearer(adminToken), json: { title: `Article ${uniqueSuffix()}`, body: 'Some *Markdown*', audience: 'public', ...extra } });
  let article = expectStatus(created, 201, 'creating an article').body;
  for (const step of STEPS[stage]) {
    article = expectStatus(await call<ArticleResponse>(baseUrl, `/api/v1/articles/${article.id}/${step}`, { method: 'POST', headers: bearer(adminToken) }), 200, `${step} an article`).body;
  }
  if (stage === 'revising') {
    const revised = await call<ArticleResponse>(baseUrl, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: bearer(adminToken), json: { body: `${article.body}\n\nRevised.` } });
    article = expectStatus(revised, 200, 'revising an article').body;
  }
  return article;
}
