import type { Knex } from 'knex';
import type { Page } from '../pagination.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

export interface ArticleVisibility {
  /**
   * True for agents, who see each article's working copy (a draft revision included). False for
   * requesters: they see the published version of published public articles only.
   */
  readonly includeUnpublished: boolean;
}

export interface ArticleFilter {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly status?: string | undefined;
  readonly kind?: string | undefined;
  readonly tag?: string | undefined;
  readonly categoryId?: string | undefined;
  readonly audience?: string | undefined;
}

/** Markdown only: the API layer renders and sanitizes it, so the read model keeps what authors wrote. */
export interface ArticleRecord {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly title: string;
  readonly body: string;
  readonly tags: string[];
  readonly categoryId: string | null;
  readonly audience: string;
  readonly contentVersion: number;
  readonly publishedVersion: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly helpfulCount: number;
  readonly notHelpfulCount: number;
  /** Distinct tickets resolved while linked to the article. */
  readonly resolvedTickets: number;
}

export interface ArticleCommentRecord {
  readonly id: string;
  readonly authorId: string;
  readonly body: string;
  readonly createdAt: string;
}

/** An article linked to a ticket, as the ticket's list shows it. */
export interface LinkedArticleRecord {
  readonly articleId: string;
  readonly title: string;
  readonly status: string;
  readonly audience: string;
  readonly linkedAt: string;
}

export interface ArticleVersionRecord {
  readonly version: number;
  readonly title: string;
  readonly body: string;
  readonly tags: string[];
  readonly categoryId: string | null;
  readonly audience: string;
  readonly createdAt: string;
}

interface ArticleRow {
  id: string;
  kind: string;
  status: string;
  title: string;
  body: string;
  tags: string[] | string;
  category_id: string | null;
  audience: string;
  content_version: number;
  published_version: number | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  helpful_count: number;
  not_helpful_count: number;
  resolved_ticket_count: number;
  published_title: string | null;
  published_body: string | null;
  published_tags: string[] | string | null;
  published_category_id: string | null;
  published_audience: string | null;
}

interface VersionRow {
  version: number;
  title: string;
  body: string;
  tags: string[] | string;
  category_id: string | null;
  audience: string;
  created_at: Date;
}

const ARTICLE_COLUMNS = [
  'id',
  'kind',
  'status',
  'title',
  'body',
  'tags',
  'category_id',
  'audience',
  'content_version',
  'published_version',
  'created_at',
  'updated_at',
  'version',
  'helpful_count',
  'not_helpful_count',
  'resolved_ticket_count',
  'published_title',
  'published_body',
  'published_tags',
  'published_category_id',
  'published_audience',
];

/** The columns a list filters and orders on: the working copy's for agents, the published version's for readers. */
function columnsOf(visibility: ArticleVisibility) {
  return visibility.includeUnpublished ? { title: 'title', tags: 'tags', categoryId: 'category_id', audience: 'audience' } : { title: 'published_title', tags: 'published_tags', categoryId: 'published_category_id', audience: 'published_audience' };
}
const VERSION_COLUMNS = ['version', 'title', 'body', 'tags', 'category_id', 'audience', 'created_at'];

export async function getArticle(knex: Knex, tenantId: string, id: string, visibility: ArticleVisibility): Promise<ArticleRecord | null> {
  const row = (await visible(knex('articles').select(ARTICLE_COLUMNS).where({ tenant_id: tenantId, id }), visibility).first()) as ArticleRow | undefined;
  return row ? articleRecord(row, visibility) : null;
}

/** Ordered by (title, id) with a keyset cursor, like every named list. */
export async function listArticles(knex: Knex, tenantId: string, filter: ArticleFilter, visibility: ArticleVisibility): Promise<Page<ArticleRecord>> {
  const columns = columnsOf(visibility);
  const query = visible(knex('articles').select(ARTICLE_COLUMNS).where({ tenant_id: tenantId }), visibility);
  // Readers see every article they see as published, so asking them for another status finds nothing.
  if (filter.status !== undefined) query.andWhere(visibility.includeUnpublished ? { status: filter.status } : knex.raw(filter.status === 'published' ? 'true' : 'false'));
  if (filter.kind !== undefined) query.andWhere({ kind: filter.kind });
  if (filter.audience !== undefined) query.andWhere(columns.audience, filter.audience);
  if (filter.categoryId !== undefined) query.andWhere(columns.categoryId, filter.categoryId);
  if (filter.tag !== undefined) query.andWhereRaw('?? @> ?::jsonb', [columns.tags, JSON.stringify([filter.tag.toLowerCase()])]);
  const after = filter.cursor ? decodeCursor(filter.cursor, 2) : null;
  if (after) query.andWhereRaw('(??, id) > (?, ?::uuid)', [columns.title, ...after]);
  const rows = (await query.orderBy([{ column: columns.title }, { column: 'id' }]).limit(filter.limit + 1)) as ArticleRow[];
  const shown = rows.slice(0, filter.limit).map((row) => articleRecord(row, visibility));
  const last = shown.at(-1);
  return { data: shown, nextCursor: rows.length > filter.limit && last ? encodeCursor([last.title, last.id]) : null };
}

/** The caller has been shown the article already; versions are only asked for by those who may see them. */
export async function listArticleVersions(knex: Knex, tenantId: string, id: string): Promise<ArticleVersionRecord[]> {
  const rows = (await knex('article_versions').select(VERSION_COLUMNS).where({ tenant_id: tenantId, article_id: id }).orderBy('version')) as VersionRow[];
  return rows.map(versionRecord);
}

export async function getArticleVersion(knex: Knex, tenantId: string, id: string, version: number): Promise<ArticleVersionRecord | null> {
  const row = (await knex('article_versions').select(VERSION_COLUMNS).where({ tenant_id: tenantId, article_id: id, version }).first()) as VersionRow | undefined;
  return row ? versionRecord(row) : null;
}

function visible(query: Knex.QueryBuilder, visibility: ArticleVisibility): Knex.QueryBuilder {
  return visibility.includeUnpublished ? query : query.andWhere({ published_audience: 'public' });
}

// Drivers differ on whether jsonb comes back parsed (pg) or as text.
function tagsOf(raw: string[] | string): string[] {
  return typeof raw === 'string' ? (JSON.parse(raw) as string[]) : raw;
}

function articleRecord(row: ArticleRow, visibility: ArticleVisibility): ArticleRecord {
  const reader = !visibility.includeUnpublished && row.published_version !== null;
  return {
    id: row.id,
    kind: row.kind,
    status: reader ? 'published' : row.status,
    title: reader ? row.published_title! : row.title,
    body: reader ? row.published_body! : row.body,
    tags: tagsOf(reader ? row.published_tags! : row.tags),
    categoryId: reader ? row.published_category_id : row.category_id,
    audience: reader ? row.published_audience! : row.audience,
    contentVersion: reader ? row.published_version! : row.content_version,
    publishedVersion: row.published_version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
    helpfulCount: row.helpful_count,
    notHelpfulCount: row.not_helpful_count,
    resolvedTickets: row.resolved_ticket_count,
  };
}

function versionRecord(row: VersionRow): ArticleVersionRecord {
  return { version: row.version, title: row.title, body: row.body, tags: tagsOf(row.tags), categoryId: row.category_id, audience: row.audience, createdAt: new Date(row.created_at).toISOString() };
}

/** Oldest first, as a conversation reads; the caller has been shown the article already. */
export async function listArticleComments(knex: Knex, tenantId: string, id: string): Promise<ArticleCommentRecord[]> {
  const rows = (await knex('article_comments').select('id', 'author_id', 'body', 'created_at').where({ tenant_id: tenantId, article_id: id }).orderBy([{ column: 'created_at' }, { column: 'id' }])) as Array<{
    id: string;
    author_id: string;
    body: string;
    created_at: Date;
  }>;
  return rows.map((row) => ({ id: row.id, authorId: row.author_id, body: row.body, createdAt: new Date(row.created_at).toISOString() }));
}

/** The ticket's articles the caller may read: requesters see only the published public ones. */
export async function listTicketArticles(knex: Knex, tenantId: string, ticketId: string, visibility: ArticleVisibility): Promise<LinkedArticleRecord[]> {
  const reader = !visibility.includeUnpublished;
  const query = knex('ticket_articles as l')
    .join('articles', 'articles.id', 'l.article_id')
    .select('l.article_id', reader ? { title: 'articles.published_title' } : 'articles.title', reader ? knex.raw(`'published' AS status`) : 'articles.status', reader ? { audience: 'articles.published_audience' } : 'articles.audience', 'l.linked_at')
    .where({ 'l.ticket_id': ticketId, 'articles.tenant_id': tenantId });
  if (reader) query.andWhere({ 'articles.published_audience': 'public' });
  const rows = (await query.orderBy([{ column: 'l.linked_at' }, { column: 'l.article_id' }])) as Array<{ article_id: string; title: string; status: string; audience: string; linked_at: Date }>;
  return rows.map((row) => ({ articleId: row.article_id, title: row.title, status: row.status, audience: row.audience, linkedAt: new Date(row.linked_at).toISOString() }));
}
