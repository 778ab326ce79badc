import type { Knex } from 'knex';
import type { ArticleContent, ArticleEvent, ArticleFeedbackEvent } from '../../domain/articles/index.js';
import type { TicketEvent } from '../../domain/ticket/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const ARTICLES = 'articles';
const VERSIONS = 'article_versions';
const FEEDBACK = 'article_feedback';
const COMMENTS = 'article_comments';
const TICKET_LINKS = 'ticket_articles';

/**
 * Knowledge-base articles as they stand (the working copy authors see, and beside it the published
 * version readers see, which an unpublished revision leaves alone), every content each has had, readers' votes and comments,
 * and the tickets each is linked to. It reads ticket events too: "resolved tickets" counts the
 * distinct tickets that were resolved while linked to the article (a reopen and a second resolve
 * of the same ticket do not count again; a link made after the resolve counts at the next one).
 */
export const articlesProjection: Projection = {
  name: ARTICLES,
  version: 4,
  runs: 'inline',
  filter: { categories: ['article', 'articlefeedback', 'ticket'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(ARTICLES, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('kind').notNullable();
      table.text('status').notNullable();
      table.text('title').notNullable();
      table.text('body').notNullable();
      table.jsonb('tags').notNullable();
      table.uuid('category_id');
      table.text('audience').notNullable();
      table.integer('content_version').notNullable();
      table.integer('published_version');
      // What readers see: a copy of the published version, null while none is.
      table.text('published_title');
      table.text('published_body');
      table.jsonb('published_tags');
      table.uuid('published_category_id');
      table.text('published_audience');
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      table.integer('helpful_count').notNullable().defaultTo(0);
      table.integer('not_helpful_count').notNullable().defaultTo(0);
      table.integer('resolved_ticket_count').notNullable().defaultTo(0);
      table.index(['tenant_id', 'title', 'id']);
      table.index(['tenant_id', 'published_audience', 'published_title', 'id']);
    });
    await knex.schema.createTable(VERSIONS, (table) => {
      table.uuid('article_id').notNullable();
      table.integer('version').notNullable();
      table.uuid('tenant_id').notNullable();
      table.text('title').notNullable();
      table.text('body').notNullable();
      table.jsonb('tags').notNullable();
      table.uuid('category_id');
      table.text('audience').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.primary(['article_id', 'version']);
    });
    await knex.schema.createTable(FEEDBACK, (table) => {
      table.uuid('article_id').notNullable();
      table.uuid('user_id').notNullable();
      table.boolean('helpful').notNullable();
      table.text('comment');
      table.timestamp('at', { useTz: true }).notNullable();
      table.primary(['article_id', 'user_id']);
    });
    await knex.schema.createTable(COMMENTS, (table) => {
      table.uuid('id').primary();
      table.uuid('article_id').notNullable();
      table.uuid('tenant_id').notNullable();
      table.uuid('author_id').notNullable();
      table.text('body').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.index(['article_id', 'created_at', 'id']);
    });
    await knex.schema.createTable(TICKET_LINKS, (table) => {
      table.uuid('ticket_id').notNullable();
      table.uuid('article_id').notNullable();
      table.timestamp('linked_at', { useTz: true }).notNullable();
      /** Set once the ticket was resolved with this link in place, so the article counts each ticket once. */
      table.boolean('resolution_counted').notNullable().defaultTo(false);
      table.primary(['ticket_id', 'article_id']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TICKET_LINKS);
    await knex.schema.dropTableIfExists(COMMENTS);
    await knex.schema.dropTableIfExists(FEEDBACK);
    await knex.schema.dropTableIfExists(VERSIONS);
    await knex.schema.dropTableIfExists(ARTICLES);
  },
  async apply(trx, events) {
    for (const recorded of events) {
      if (recorded.streamId.startsWith('ticket-')) await applyTicket(trx, recorded, { type: recorded.type, data: recorded.data } as TicketEvent);
      else if (recorded.streamId.startsWith('articlefeedback-')) await applyFeedback(trx, recorded, { type: recorded.type, data: recorded.data } as ArticleFeedbackEvent);
      else await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as ArticleEvent);
    }
  },
};

function contentColumns(content: ArticleContent): Record<string, unknown> {
  return { title: content.title, body: content.body, tags: JSON.stringify(content.tags), category_id: content.categoryId, audience: content.audience };
}

const NOTHING_PUBLISHED = { published_version: null, published_title: null, published_body: null, published_tags: null, published_category_id: null, published_audience: null };

/** A version as the history holds it, in the columns of the working copy. */
async function versionColumns(trx: Knex.Transaction, id: string, version: number): Promise<Record<string, unknown> | null> {
  const row = (await trx(VERSIONS).select('title', 'body', 'tags', 'category_id', 'audience').where({ article_id: id, version }).first()) as
    | { title: string; body: string; tags: unknown; category_id: string | null; audience: string }
    | undefined;
  return row ? { ...row, tags: typeof row.tags === 'string' ? row.tags : JSON.stringify(row.tags) } : null;
}

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: ArticleEvent): Promise<void> {
  const id = recorded.streamId.slice('article-'.length);
  // The revision guard turns a replayed event into a no-op; version rows are keyed, so they ignore replays too.
  const change = (fields: Record<string, unknown>, at: string) =>
    trx(ARTICLES).where({ id }).andWhere('version', '<', recorded.revision).update({ ...fields, updated_at: at, version: recorded.revision });
  switch (event.type) {
    case 'ArticleCreated': {
      const d = event.data;
      await trx(ARTICLES)
        .insert({ id, tenant_id: d.tenantId, kind: d.kind, status: 'draft', ...contentColumns(d), content_version: d.version, published_version: null, created_at: d.at, updated_at: d.at, version: recorded.revision })
        .onConflict('id')
        .ignore();
      await trx(VERSIONS).insert({ article_id: id, version: d.version, tenant_id: d.tenantId, ...contentColumns(d), created_at: d.at }).onConflict(['article_id', 'version']).ignore();
      return;
    }
    case 'ArticleEdited': {
      const d = event.data;
      const article = (await trx(ARTICLES).select('tenant_id').where({ id }).first()) as { tenant_id: string } | undefined;
      if (!article) return;
      await change({ status: 'draft', ...contentColumns(d), content_version: d.version }, d.at);
      await trx(VERSIONS).insert({ article_id: id, version: d.version, tenant_id: article.tenant_id, ...contentColumns(d), created_at: d.at }).onConflict(['article_id', 'version']).ignore();
      return;
    }
    case 'ArticleSubmitted':
      await change({ status: 'in_review' }, event.data.at);
      return;
    case 'ArticlePublished': {
      const content = await versionColumns(trx, id, event.data.version);
      if (!content) return;
      const published = Object.fromEntries(Object.entries(content).map(([column, value]) => [`published_${column}`, value]));
      await change({ status: 'published', ...content, content_version: event.data.version, published_version: event.data.version, ...published }, event.data.at);
      return;
    }
    case 'ArticleArchived':
      await change({ status: 'archived', ...NOTHING_PUBLISHED }, event.data.at);
      return;
    case 'ArticleDraftDiscarded': {
      const content = await versionColumns(trx, id, event.data.version);
      if (!content) return;
      await change({ status: 'published', ...content, content_version: event.data.version }, event.data.at);
      return;
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Only the two ticket events that bear on articles; every other ticket event passes by. */
/** Votes and comments: they change counts and threads, never the article's version (its If-Match). */
async function applyFeedback(trx: Knex.Transaction, recorded: RecordedEvent, event: ArticleFeedbackEvent): Promise<void> {
  const id = recorded.streamId.slice('articlefeedback-'.length);
  switch (event.type) {
    case 'ArticleFeedbackGiven': {
      const d = event.data;
      // The vote row is keyed by user, so a changed vote replaces the old one and the counts are recounted, never added to.
      await trx(FEEDBACK).insert({ article_id: id, user_id: d.userId, helpful: d.helpful, comment: d.comment, at: d.at }).onConflict(['article_id', 'user_id']).merge();
      await trx(ARTICLES)
        .where({ id })
        .update({
          helpful_count: trx(FEEDBACK).count('*').where({ article_id: id, helpful: true }),
          not_helpful_count: trx(FEEDBACK).count('*').where({ article_id: id, helpful: false }),
        });
      return;
    }
    case 'ArticleCommented': {
      const d = event.data;
      const article = (await trx(ARTICLES).select('tenant_id').where({ id }).first()) as { tenant_id: string } | undefined;
      if (!article) return;
      await trx(COMMENTS).insert({ id: d.commentId, article_id: id, tenant_id: article.tenant_id, author_id: d.authorId, body: d.body, created_at: d.at }).onConflict('id').ignore();
      return;
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

async function applyTicket(trx: Knex.Transaction, recorded: RecordedEvent, event: TicketEvent): Promise<void> {
  const ticketId = recorded.streamId.slice('ticket-'.length);
  if (event.type === 'TicketArticleLinked') {
    await trx(TICKET_LINKS).insert({ ticket_id: ticketId, article_id: event.data.articleId, linked_at: event.data.at }).onConflict(['ticket_id', 'article_id']).ignore();
    return;
  }
  if (event.type !== 'TicketResolved') return;
  // Marking the links counted in the same statement that reads them makes a replayed resolve count nothing.
  const counted: Array<{ article_id: string }> = await trx(TICKET_LINKS).where({ ticket_id: ticketId, resolution_counted: false }).update({ resolution_counted: true }).returning<Array<{ article_id: string }>>('article_id');
  if (counted.length === 0) return;
  await trx(ARTICLES)
    .whereIn(
      'id',
      counted.map((row) => row.article_id),
    )
    .increment('resolved_ticket_count', 1);
}
