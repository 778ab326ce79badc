import type { Knex } from 'knex';
import type { ArticleContent, ArticleEvent } from '../../domain/articles/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const ARTICLES = 'articles';
const VERSIONS = 'article_versions';

/** Knowledge-base articles as they stand, and every content each has had. */
export const articlesProjection: Projection = {
  name: ARTICLES,
  version: 1,
  filter: { categories: ['article'] },
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
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      table.index(['tenant_id', 'title', 'id']);
      table.index(['tenant_id', 'status', 'audience', 'title', 'id']);
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
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(VERSIONS);
    await knex.schema.dropTableIfExists(ARTICLES);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as ArticleEvent);
  },
};

function contentColumns(content: ArticleContent): Record<string, unknown> {
  return { title: content.title, body: content.body, tags: JSON.stringify(content.tags), category_id: content.categoryId, audience: content.audience };
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
    case 'ArticlePublished':
      await change({ status: 'published', published_version: event.data.version }, event.data.at);
      return;
    case 'ArticleArchived':
      await change({ status: 'archived' }, event.data.at);
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
