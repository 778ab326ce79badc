import { suite } from '../support/suite.js';
import type { ArticleEvent } from '../../src/domain/articles/index.js';
import * as assert from 'uvu/assert';
import { articleDecider, currentContent, publishedContent } from '../../src/domain/articles/index.js';
import { ForbiddenError, IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import { deciderSpec } from '../support/decider-spec.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const at = now.toISOString();
const tenantId = '7f1c2d6e-0000-4000-8000-000000000001';
const articleId = '7f1c2d6e-0000-4000-8000-0000000000a1';
const categoryId = '7f1c2d6e-0000-4000-8000-0000000000c1';

const content = { title: 'Reset a password', body: '# Steps', tags: [], categoryId: null, audience: 'public' as const };
const created: ArticleEvent = { type: 'ArticleCreated', data: { articleId, tenantId, kind: 'article', version: 1, ...content, at } };
const submitted: ArticleEvent = { type: 'ArticleSubmitted', data: { at } };
const published: ArticleEvent = { type: 'ArticlePublished', data: { version: 1, at } };
const archived: ArticleEvent = { type: 'ArticleArchived', data: { at } };

const article = suite('article');
const articles = deciderSpec(articleDecider);

article('a technician creates a draft as version 1, with tags normalised', () => {
  articles
    .given([])
    .when({ type: 'CreateArticle', articleId, tenantId, kind: 'article', title: ' Reset a password ', body: '# Steps', tags: ['VPN', 'vpn', 'Login'], audience: 'public', category: { id: categoryId, found: true, active: true }, role: 'technician', now })
    .then([{ type: 'ArticleCreated', data: { articleId, tenantId, kind: 'article', version: 1, ...content, tags: ['login', 'vpn'], categoryId, at } }]);
});

article('rejects a requester writing, an empty title and a retired category', () => {
  const base = { type: 'CreateArticle', articleId, tenantId, kind: 'faq', title: 'Q', body: 'A', now } as const;
  articles.given([]).when({ ...base, role: 'user' }).thenThrows(ForbiddenError);
  articles.given([]).when({ ...base, title: '  ', role: 'technician' }).thenThrows(ValidationError, /title/);
  articles.given([]).when({ ...base, category: { id: categoryId, found: true, active: false }, role: 'technician' }).thenThrows(ValidationError, /category/);
  articles.given([]).when({ ...base, category: { id: categoryId, found: false }, role: 'technician' }).thenThrows(ValidationError, /category/);
});

article('every edit of a draft is a new version; an unchanged edit is none', () => {
  articles
    .given([created])
    .when({ type: 'EditArticle', body: 'new body', role: 'technician', now })
    .then([{ type: 'ArticleEdited', data: { version: 2, ...content, body: 'new body', at } }]);
  articles.given([created]).when({ type: 'EditArticle', title: 'Reset a password', role: 'technician', now }).then([]);
});

article('the workflow runs draft → in review → published → archived', () => {
  articles.given([created]).when({ type: 'SubmitArticle', role: 'technician', now }).then([submitted]);
  articles.given([created, submitted]).when({ type: 'PublishArticle', role: 'manager', now }).then([published]);
  articles.given([created, submitted, published]).when({ type: 'ArchiveArticle', role: 'admin', now }).then([archived]);
});

article('technicians may not publish or archive; requesters may not submit', () => {
  articles.given([created, submitted]).when({ type: 'PublishArticle', role: 'technician', now }).thenThrows(ForbiddenError);
  articles.given([created, submitted, published]).when({ type: 'ArchiveArticle', role: 'technician', now }).thenThrows(ForbiddenError);
  articles.given([created]).when({ type: 'SubmitArticle', role: 'user', now }).thenThrows(ForbiddenError);
});

article('refuses transitions out of order', () => {
  articles.given([created]).when({ type: 'PublishArticle', role: 'admin', now }).thenThrows(IllegalStateError, /draft/);
  articles.given([created, submitted]).when({ type: 'SubmitArticle', role: 'technician', now }).thenThrows(IllegalStateError);
  articles.given([created]).when({ type: 'ArchiveArticle', role: 'admin', now }).thenThrows(IllegalStateError);
  articles.given([]).when({ type: 'SubmitArticle', role: 'admin', now }).thenThrows(IllegalStateError, /does not exist/);
});

article('a version in review is not edited; editing an archived one revises it as a new draft version', () => {
  articles.given([created, submitted]).when({ type: 'EditArticle', body: 'x', role: 'technician', now }).thenThrows(IllegalStateError, /in review/);
  articles
    .given([created, submitted, published, archived])
    .when({ type: 'EditArticle', role: 'technician', now })
    .then([{ type: 'ArticleEdited', data: { version: 2, ...content, at } }]);
});

const revised: ArticleEvent = { type: 'ArticleEdited', data: { version: 2, ...content, body: 'second take', at } };
const revisionSubmitted: ArticleEvent = { type: 'ArticleSubmitted', data: { at } };

article('editing a published article starts the next version as a draft; restating it is no edit', () => {
  articles
    .given([created, submitted, published])
    .when({ type: 'EditArticle', body: 'second take', role: 'technician', now })
    .then([revised]);
  articles.given([created, submitted, published]).when({ type: 'EditArticle', body: content.body, role: 'technician', now }).then([]);
});

article('while the revision is a draft, readers keep version 1 and the working copy is version 2', () => {
  const state = [created, submitted, published, revised].reduce(articleDecider.evolve, articleDecider.initialState());
  if (state.status === 'none') return assert.unreachable('the article exists');
  assert.equal([state.status, state.publishedVersion, state.workingVersion], ['draft', 1, 2]);
  assert.is(publishedContent(state)?.body, content.body);
  assert.is(currentContent(state).body, 'second take');
});

article('the revision is submitted and published as version 2', () => {
  articles.given([created, submitted, published, revised]).when({ type: 'SubmitArticle', role: 'technician', now }).then([revisionSubmitted]);
  articles
    .given([created, submitted, published, revised, revisionSubmitted])
    .when({ type: 'PublishArticle', role: 'manager', now })
    .then([{ type: 'ArticlePublished', data: { version: 2, at } }]);
});

article('an author discards a pending revision, in draft or in review; the next edit is version 3, from version 1', () => {
  const discarded: ArticleEvent = { type: 'ArticleDraftDiscarded', data: { version: 1, at } };
  articles.given([created, submitted, published, revised]).when({ type: 'DiscardArticleDraft', role: 'technician', now }).then([discarded]);
  articles.given([created, submitted, published, revised, revisionSubmitted]).when({ type: 'DiscardArticleDraft', role: 'technician', now }).then([discarded]);
  articles
    .given([created, submitted, published, revised, discarded])
    .when({ type: 'EditArticle', title: 'Reset a password, again', role: 'technician', now })
    .then([{ type: 'ArticleEdited', data: { version: 3, ...content, title: 'Reset a password, again', at } }]);
});

article('there is nothing to discard on a published article without a revision, or on one never published; requesters may not', () => {
  articles.given([created, submitted, published]).when({ type: 'DiscardArticleDraft', role: 'admin', now }).thenThrows(IllegalStateError, /no unpublished revision/);
  articles.given([created]).when({ type: 'DiscardArticleDraft', role: 'admin', now }).thenThrows(IllegalStateError, /never published/);
  articles.given([created, submitted, published, archived]).when({ type: 'DiscardArticleDraft', role: 'admin', now }).thenThrows(IllegalStateError, /archived/);
  articles.given([created, submitted, published, revised]).when({ type: 'DiscardArticleDraft', role: 'user', now }).thenThrows(ForbiddenError);
});

article('archiving takes a published article from readers, a pending revision with it', () => {
  articles.given([created, submitted, published, revised]).when({ type: 'ArchiveArticle', role: 'manager', now }).then([archived]);
  const state = [created, submitted, published, revised, archived].reduce(articleDecider.evolve, articleDecider.initialState());
  assert.ok(state.status === 'archived' && state.publishedVersion === null);
});

article.run();
