import { suite } from '../support/suite.js';
import type { ArticleEvent } from '../../src/domain/articles/index.js';
import { articleDecider } from '../../src/domain/articles/index.js';
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

article('only drafts and archived articles are edited; editing an archived one revises it as a new draft version', () => {
  articles.given([created, submitted]).when({ type: 'EditArticle', body: 'x', role: 'technician', now }).thenThrows(IllegalStateError, /in review/);
  articles.given([created, submitted, published]).when({ type: 'EditArticle', body: 'x', role: 'admin', now }).thenThrows(IllegalStateError, /published/);
  articles
    .given([created, submitted, published, archived])
    .when({ type: 'EditArticle', role: 'technician', now })
    .then([{ type: 'ArticleEdited', data: { version: 2, ...content, at } }]);
});

article.run();
