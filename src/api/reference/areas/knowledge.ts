import { z } from 'zod';
import * as articles from '../../articles/router.js';
import type { JsonSchema } from '../json-schema.js';
import { all, page, ref, resource, uuid } from '../json-schema.js';
import type { Area } from '../operation.js';

const noBody = z.object({}).strict().optional();
const written = (status = 200) => ({ status, description: 'The article as projected after the command.', schema: ref('Article'), etag: true, ...(status === 201 ? { location: true } : {}) });

export const knowledgeSchemas: Record<string, JsonSchema> = {
  Article: resource('A knowledge article: title, Markdown body and its sanitized HTML, status, audience, feedback.'),
  ArticleComment: resource('A comment on an article.', false),
};

export const knowledgeArea: Area = {
  tag: 'Knowledge base',
  description: 'Articles: drafts, review, publishing, versions, feedback.',
  access: 'signedIn',
  idempotent: true,
  operations: [
    { method: 'POST', path: '/api/v1/articles', summary: 'Write an article (draft)', body: articles.createBody, ok: written(201), afterWrite: true, errors: [409] },
    { method: 'GET', path: '/api/v1/articles', summary: 'List articles', description: 'Requesters see published articles for their audience.', query: articles.articlesQuery, ok: { status: 200, description: 'A page of articles.', schema: page(ref('Article')) } },
    { method: 'GET', path: '/api/v1/articles/:id', summary: 'Read an article', ok: { status: 200, description: 'The article.', schema: ref('Article'), etag: true } },
    {
      method: 'PATCH',
      path: '/api/v1/articles/:id',
      summary: 'Edit an article',
      description:
        'Every edit is a new version. Editing a published article starts its next version as a draft: readers keep the published version until the draft is submitted and published. A version in review cannot be edited.',
      body: articles.patchBody,
      ok: written(),
      afterWrite: true,
      errors: [409],
    },
    { method: 'POST', path: '/api/v1/articles/:id/submit', summary: 'Submit an article for review', body: noBody, ok: written(), afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/articles/:id/publish', summary: 'Publish an article', body: noBody, ok: written(), afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/articles/:id/archive', summary: 'Archive an article', description: 'Readers no longer see it; a pending revision is archived with it.', body: noBody, ok: written(), afterWrite: true, errors: [409] },
    {
      method: 'POST',
      path: '/api/v1/articles/:id/discard-draft',
      summary: 'Discard the pending revision of a published article',
      description: 'The working copy goes back to the published version; the discarded versions stay in the history. 409 when there is no revision pending.',
      body: noBody,
      ok: written(),
      afterWrite: true,
      errors: [409],
    },
    { method: 'POST', path: '/api/v1/articles/:id/feedback', summary: 'Say whether an article helped', body: articles.feedbackBody, ok: written(), afterWrite: true, errors: [409] },
    { method: 'GET', path: '/api/v1/articles/:id/comments', summary: "List an article's comments", ok: { status: 200, description: 'The comments.', schema: all(ref('ArticleComment')) } },
    { method: 'POST', path: '/api/v1/articles/:id/comments', summary: 'Comment on an article', body: articles.commentBody, ok: { status: 201, description: 'The comment.', schema: ref('ArticleComment') }, errors: [409] },
    { method: 'GET', path: '/api/v1/articles/:id/versions', summary: "List an article's versions", ok: { status: 200, description: 'Every version, the published one and any newer draft.', schema: all({ type: 'object', additionalProperties: true }) } },
    {
      method: 'GET',
      path: '/api/v1/articles/:id/versions/:n',
      summary: 'Read one version of an article',
      pathParams: { n: { description: 'The version number, from 1.', schema: { type: 'integer', minimum: 1, maximum: 1_000_000 } } },
      ok: { status: 200, description: 'That version.', schema: { type: 'object', additionalProperties: true } },
    },
    {
      method: 'GET',
      path: '/api/v1/articles/:id/diff',
      summary: 'Compare two versions',
      query: articles.diffQuery,
      ok: { status: 200, description: 'What changed from `from` to `to`.', schema: { type: 'object', required: ['articleId'], properties: { articleId: uuid }, additionalProperties: true } },
    },
  ],
};
