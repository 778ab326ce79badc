import type { DomainEvent } from '../decider.js';
import { ForbiddenError, IllegalStateError, ValidationError } from '../errors.js';
import type { Role } from '../permissions.js';
import { can, refusal } from '../permissions.js';

export const ARTICLE_KINDS = ['article', 'faq'] as const;
export type ArticleKind = (typeof ARTICLE_KINDS)[number];
export const AUDIENCES = ['public', 'internal'] as const;
export type Audience = (typeof AUDIENCES)[number];
export type ArticleStatus = 'draft' | 'in_review' | 'published' | 'archived';

/**
 * One version's content. For a FAQ the title is the question and the body the answer: both are
 * text a reader searches and reads the same way, so one shape serves both kinds.
 */
export type ArticleContent = { title: string; body: string; tags: string[]; categoryId: string | null; audience: Audience };

export type ArticleCreated = DomainEvent<'ArticleCreated', { articleId: string; tenantId: string; kind: ArticleKind; version: number; at: string } & ArticleContent>;
export type ArticleEdited = DomainEvent<'ArticleEdited', { version: number; at: string } & ArticleContent>;
export type ArticleSubmitted = DomainEvent<'ArticleSubmitted', { at: string }>;
export type ArticlePublished = DomainEvent<'ArticlePublished', { version: number; at: string }>;
export type ArticleArchived = DomainEvent<'ArticleArchived', { at: string }>;
export type ArticleEvent = ArticleCreated | ArticleEdited | ArticleSubmitted | ArticlePublished | ArticleArchived;

/** The category as the caller found it in the tenant's categories read model (another tenant's is not found). */
export type ArticleCategory = { readonly id: string; readonly found: false } | { readonly id: string; readonly found: true; readonly active: boolean };

export interface ContentInput {
  readonly title?: string;
  readonly body?: string;
  readonly tags?: readonly string[];
  /** `null` removes the category; absent leaves it. */
  readonly category?: ArticleCategory | null;
  readonly audience?: Audience;
}

export type CreateArticle = { type: 'CreateArticle'; articleId: string; tenantId: string; kind: ArticleKind; title: string; body: string; role: Role; now: Date } & Omit<ContentInput, 'title' | 'body'>;
export type EditArticle = { type: 'EditArticle'; role: Role; now: Date } & ContentInput;
export type SubmitArticle = { type: 'SubmitArticle'; role: Role; now: Date };
export type PublishArticle = { type: 'PublishArticle'; role: Role; now: Date };
export type ArchiveArticle = { type: 'ArchiveArticle'; role: Role; now: Date };
export type ArticleCommand = CreateArticle | EditArticle | SubmitArticle | PublishArticle | ArchiveArticle;

export type Article =
  | { readonly status: 'none' }
  | {
      readonly status: ArticleStatus;
      readonly id: string;
      readonly tenantId: string;
      readonly kind: ArticleKind;
      /** Every content the article has had; `versions[n - 1]` is version n. */
      readonly versions: readonly ArticleContent[];
      readonly publishedVersion: number | null;
    };
export type ExistingArticle = Exclude<Article, { status: 'none' }>;

export const articleStream = (articleId: string): string => `article-${articleId}`;

export function currentContent(state: ExistingArticle): ArticleContent {
  return state.versions[state.versions.length - 1]!;
}

export function initialState(): Article {
  return { status: 'none' };
}

export function evolve(state: Article, event: ArticleEvent): Article {
  if (event.type === 'ArticleCreated') {
    const { articleId, tenantId, kind, title, body, tags, categoryId, audience } = event.data;
    return { status: 'draft', id: articleId, tenantId, kind, versions: [{ title, body, tags, categoryId, audience }], publishedVersion: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ArticleEdited': {
      const { title, body, tags, categoryId, audience } = event.data;
      return { ...state, status: 'draft', versions: [...state.versions, { title, body, tags, categoryId, audience }] };
    }
    case 'ArticleSubmitted':
      return { ...state, status: 'in_review' };
    case 'ArticlePublished':
      return { ...state, status: 'published', publishedVersion: event.data.version };
    case 'ArticleArchived':
      return { ...state, status: 'archived' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: ArticleCommand, state: Article): ArticleEvent[] {
  if (command.type === 'CreateArticle') return create(command, state);
  if (state.status === 'none') throw new IllegalStateError('the article does not exist');
  const at = command.now.toISOString();
  switch (command.type) {
    case 'EditArticle':
      return edit(command, state);
    case 'SubmitArticle':
      requireRole(command.role, 'article.write');
      requireStatus(state, ['draft'], 'submit');
      return [{ type: 'ArticleSubmitted', data: { at } }];
    case 'PublishArticle':
      requireRole(command.role, 'article.publish');
      requireStatus(state, ['in_review'], 'publish');
      return [{ type: 'ArticlePublished', data: { version: state.versions.length, at } }];
    case 'ArchiveArticle':
      requireRole(command.role, 'article.publish');
      requireStatus(state, ['published'], 'archive');
      return [{ type: 'ArticleArchived', data: { at } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function create(command: CreateArticle, state: Article): ArticleEvent[] {
  requireRole(command.role, 'article.write');
  if (state.status !== 'none') throw new IllegalStateError('the article already exists');
  const content: ArticleContent = {
    title: requireTitle(command.title),
    body: requireBody(command.body),
    tags: requireTags(command.tags ?? []),
    categoryId: requireCategory(command.category ?? null),
    audience: command.audience ?? 'internal',
  };
  return [{ type: 'ArticleCreated', data: { articleId: command.articleId, tenantId: command.tenantId, kind: command.kind, version: 1, ...content, at: command.now.toISOString() } }];
}

/**
 * Only drafts are edited, so what readers see never changes under them; editing an archived
 * article is how it is revised, and puts it back to draft. A published one is archived first.
 */
function edit(command: EditArticle, state: ExistingArticle): ArticleEvent[] {
  requireRole(command.role, 'article.write');
  requireStatus(state, ['draft', 'archived'], 'edit');
  const current = currentContent(state);
  const content: ArticleContent = {
    title: command.title === undefined ? current.title : requireTitle(command.title),
    body: command.body === undefined ? current.body : requireBody(command.body),
    tags: command.tags === undefined ? current.tags : requireTags(command.tags),
    // Restating the current category is no change, even if it was retired since.
    categoryId: command.category === undefined || (command.category?.id ?? null) === current.categoryId ? current.categoryId : requireCategory(command.category),
    audience: command.audience ?? current.audience,
  };
  const unchanged = JSON.stringify(content) === JSON.stringify(current);
  if (unchanged && state.status === 'draft') return [];
  return [{ type: 'ArticleEdited', data: { version: state.versions.length + 1, ...content, at: command.now.toISOString() } }];
}

function requireRole(role: Role, action: 'article.write' | 'article.publish'): void {
  if (!can(role, action)) throw new ForbiddenError(refusal(role, action));
}

function requireStatus(state: ExistingArticle, allowed: readonly ArticleStatus[], what: string): void {
  if (!allowed.includes(state.status)) throw new IllegalStateError(`cannot ${what} an article that is ${state.status.replace('_', ' ')}`, { status: state.status });
}

function requireTitle(raw: string): string {
  const title = raw.trim();
  if (title.length === 0 || title.length > 300) throw new ValidationError('invalid title', [{ path: '/title', message: 'between 1 and 300 characters' }]);
  return title;
}

function requireBody(body: string): string {
  if (body.length > 100_000) throw new ValidationError('invalid body', [{ path: '/body', message: 'at most 100000 characters' }]);
  return body;
}

function requireTags(raw: readonly string[]): string[] {
  const tags = [...new Set(raw.map((tag) => tag.trim().toLowerCase()))];
  if (tags.length > 20 || tags.some((tag) => tag.length === 0 || tag.length > 50)) throw new ValidationError('invalid tags', [{ path: '/tags', message: 'at most 20 tags of 1 to 50 characters' }]);
  return tags.sort();
}

function requireCategory(category: ArticleCategory | null): string | null {
  if (category === null) return null;
  if (!category.found) throw new ValidationError('invalid category', [{ path: '/categoryId', message: 'no category with this id' }]);
  if (!category.active) throw new ValidationError('invalid category', [{ path: '/categoryId', message: 'the category is deactivated' }]);
  return category.id;
}

export const articleDecider = { initialState, evolve, decide };
