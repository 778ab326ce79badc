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
/** The pending revision is dropped: the working copy is the published `version` again. The dropped versions stay in the history. */
export type ArticleDraftDiscarded = DomainEvent<'ArticleDraftDiscarded', { version: number; at: string }>;
export type ArticleEvent = ArticleCreated | ArticleEdited | ArticleSubmitted | ArticlePublished | ArticleArchived | ArticleDraftDiscarded;

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
export type DiscardArticleDraft = { type: 'DiscardArticleDraft'; role: Role; now: Date };
export type ArticleCommand = CreateArticle | EditArticle | SubmitArticle | PublishArticle | ArchiveArticle | DiscardArticleDraft;

export type Article =
  | { readonly status: 'none' }
  | {
      /** Where the working copy is in the workflow; readers see `publishedVersion` whatever it is. */
      readonly status: ArticleStatus;
      readonly id: string;
      readonly tenantId: string;
      readonly kind: ArticleKind;
      /** Every content the article has had; `versions[n - 1]` is version n. */
      readonly versions: readonly ArticleContent[];
      /** The version authors see and the next edit starts from. */
      readonly workingVersion: number;
      /** The version readers see; null when none is (never published, or archived). */
      readonly publishedVersion: number | null;
    };
export type ExistingArticle = Exclude<Article, { status: 'none' }>;

export const articleStream = (articleId: string): string => `article-${articleId}`;

export function currentContent(state: ExistingArticle): ArticleContent {
  return state.versions[state.workingVersion - 1]!;
}

/** What readers are shown, or null when nothing of the article is published. */
export function publishedContent(state: ExistingArticle): ArticleContent | null {
  return state.publishedVersion === null ? null : state.versions[state.publishedVersion - 1]!;
}

export function initialState(): Article {
  return { status: 'none' };
}

export function evolve(state: Article, event: ArticleEvent): Article {
  if (event.type === 'ArticleCreated') {
    const { articleId, tenantId, kind, title, body, tags, categoryId, audience } = event.data;
    return { status: 'draft', id: articleId, tenantId, kind, versions: [{ title, body, tags, categoryId, audience }], workingVersion: 1, publishedVersion: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ArticleEdited': {
      const { title, body, tags, categoryId, audience } = event.data;
      return { ...state, status: 'draft', versions: [...state.versions, { title, body, tags, categoryId, audience }], workingVersion: event.data.version };
    }
    case 'ArticleSubmitted':
      return { ...state, status: 'in_review' };
    case 'ArticlePublished':
      return { ...state, status: 'published', workingVersion: event.data.version, publishedVersion: event.data.version };
    case 'ArticleArchived':
      return { ...state, status: 'archived', publishedVersion: null };
    case 'ArticleDraftDiscarded':
      return { ...state, status: 'published', workingVersion: event.data.version };
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
      return [{ type: 'ArticlePublished', data: { version: state.workingVersion, at } }];
    case 'ArchiveArticle':
      // Archiving takes the article away from readers, a pending revision with it.
      requireRole(command.role, 'article.publish');
      if (state.publishedVersion === null) throw new IllegalStateError(`cannot archive an article that is ${statusText(state)}`, { status: state.status });
      return [{ type: 'ArticleArchived', data: { at } }];
    case 'DiscardArticleDraft':
      return discardDraft(command, state);
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
 * An edit is a new version of the working copy, never a change to what readers see: editing a
 * published article starts its next version as a draft, and readers keep the published one until
 * that draft is published. A version in review is frozen (the reviewer reads what was submitted).
 */
function edit(command: EditArticle, state: ExistingArticle): ArticleEvent[] {
  requireRole(command.role, 'article.write');
  requireStatus(state, ['draft', 'published', 'archived'], 'edit');
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
  if (unchanged && state.status !== 'archived') return [];
  return [{ type: 'ArticleEdited', data: { version: state.versions.length + 1, ...content, at: command.now.toISOString() } }];
}

/** An author takes back a revision of a published article (draft or in review); readers saw none of it. */
function discardDraft(command: DiscardArticleDraft, state: ExistingArticle): ArticleEvent[] {
  requireRole(command.role, 'article.write');
  if (state.publishedVersion === null || state.status === 'published') {
    const why =
      state.status === 'published' ? 'it has no unpublished revision' : state.status === 'archived' ? 'it is archived, so no published version is there to go back to' : 'it was never published, so no published version is there to go back to';
    throw new IllegalStateError(`cannot discard the draft of an article: ${why}`, { status: state.status });
  }
  return [{ type: 'ArticleDraftDiscarded', data: { version: state.publishedVersion, at: command.now.toISOString() } }];
}

function requireRole(role: Role, action: 'article.write' | 'article.publish'): void {
  if (!can(role, action)) throw new ForbiddenError(refusal(role, action));
}

function requireStatus(state: ExistingArticle, allowed: readonly ArticleStatus[], what: string): void {
  if (!allowed.includes(state.status)) throw new IllegalStateError(`cannot ${what} an article that is ${statusText(state)}`, { status: state.status });
}

function statusText(state: ExistingArticle): string {
  return state.status.replace('_', ' ');
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
