import type { Knex } from 'knex';
import type { ArticleEvent, ArticleFeedbackEvent } from '../../domain/articles/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import { ARTICLE_USAGE, ARTICLE_VOTES, TICKET_ARTICLE_LINKS } from './tables.js';

const STATUS_AFTER: Readonly<Partial<Record<ArticleEvent['type'], string>>> = { ArticleSubmitted: 'in_review', ArticlePublished: 'published', ArticleArchived: 'archived' };

/** An article's own events: its title and status, so that usage reads without a join to the product's tables. */
export async function applyArticleEvent(trx: Knex.Transaction, recorded: RecordedEvent, event: ArticleEvent): Promise<void> {
  const articleId = recorded.streamId.slice('article-'.length);
  if (event.type === 'ArticleCreated') {
    await trx(ARTICLE_USAGE).insert({ article_id: articleId, tenant_id: event.data.tenantId, title: event.data.title, status: 'draft' }).onConflict('article_id').merge(['title', 'status']);
    return;
  }
  if (event.type === 'ArticleEdited') {
    await trx(ARTICLE_USAGE).where({ article_id: articleId }).update({ title: event.data.title });
    return;
  }
  const status = STATUS_AFTER[event.type];
  if (status !== undefined) await trx(ARTICLE_USAGE).where({ article_id: articleId }).update({ status });
}

/** Readers' votes (each user's latest counts once) and comments. */
export async function applyFeedbackEvent(trx: Knex.Transaction, recorded: RecordedEvent, event: ArticleFeedbackEvent): Promise<void> {
  const articleId = recorded.streamId.slice('articlefeedback-'.length);
  const tenantId = recorded.metadata.tenantId;
  if (typeof tenantId !== 'string') return;
  await ensureUsage(trx, articleId, tenantId);
  if (event.type === 'ArticleCommented') {
    await trx(ARTICLE_USAGE).where({ article_id: articleId }).update({ comments: trx.raw('comments + 1') });
    return;
  }
  await trx(ARTICLE_VOTES).insert({ article_id: articleId, user_id: event.data.userId, tenant_id: tenantId, helpful: event.data.helpful }).onConflict(['article_id', 'user_id']).merge(['helpful']);
  await trx.raw(
    `UPDATE ${ARTICLE_USAGE} SET
       helpful_votes = (SELECT count(*) FROM ${ARTICLE_VOTES} WHERE article_id = ? AND helpful),
       not_helpful_votes = (SELECT count(*) FROM ${ARTICLE_VOTES} WHERE article_id = ? AND NOT helpful)
     WHERE article_id = ?`,
    [articleId, articleId, articleId],
  );
}

/** An article linked to a ticket as having helped with it; each ticket counts once. */
export async function linkArticle(trx: Knex.Transaction, recorded: RecordedEvent, articleId: string, at: string): Promise<void> {
  const tenantId = recorded.metadata.tenantId;
  if (typeof tenantId !== 'string') return;
  const ticketId = recorded.streamId.slice('ticket-'.length);
  await ensureUsage(trx, articleId, tenantId);
  await trx(TICKET_ARTICLE_LINKS).insert({ ticket_id: ticketId, article_id: articleId, tenant_id: tenantId, linked_at: at }).onConflict(['ticket_id', 'article_id']).ignore();
  await trx.raw(
    `UPDATE ${ARTICLE_USAGE} SET
       linked_tickets = (SELECT count(*) FROM ${TICKET_ARTICLE_LINKS} WHERE article_id = ?),
       last_used_at = GREATEST(last_used_at, ?::timestamptz)
     WHERE article_id = ?`,
    [articleId, at, articleId],
  );
}

async function ensureUsage(trx: Knex.Transaction, articleId: string, tenantId: string): Promise<void> {
  await trx(ARTICLE_USAGE).insert({ article_id: articleId, tenant_id: tenantId }).onConflict('article_id').ignore();
}
