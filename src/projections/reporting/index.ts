import type { Knex } from 'knex';
import type { ArticleEvent, ArticleFeedbackEvent } from '../../domain/articles/index.js';
import type { BusinessCalendarEvent } from '../../domain/sla/index.js';
import type { TicketEvent } from '../../domain/ticket/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';
import { applyArticleEvent, applyFeedbackEvent, linkArticle } from './article-usage.js';
import { keepName } from './names.js';
import { CALENDAR_VERSIONS, createReportingTables, dropReportingTables } from './tables.js';
import { TicketFactsPage } from './ticket-facts.js';

/**
 * The `reporting` schema analysts query (docs/reporting.md): ticket facts with their SLA figures,
 * backlog intervals, article usage, and the current names of what reports group by. It keeps its own copy of business calendar versions so
 * that its SLA figures never wait on, or race, another projection: a ticket's terms name a
 * calendar version that is always earlier in the log than the ticket's event naming it.
 */
export const reportingProjection: Projection = {
  name: 'reporting',
  // 2: names of teams, categories, services and people.
  version: 2,
  runs: 'async',
  // Analysts' tables: no command answer reads them, so commands never wait for them.
  filter: { categories: ['ticket', 'businesscalendar', 'article', 'articlefeedback', 'team', 'category', 'service', 'user'] },
  createTables: createReportingTables,
  dropTables: dropReportingTables,
  reads: (knex, events) => TicketFactsPage.reads(knex, storedTicketIds(events)),
  async apply(trx, events, writes, preread) {
    const tickets = await TicketFactsPage.load(trx, storedTicketIds(events), preread);
    for (const recorded of events) await applyOne(trx, tickets, recorded);
    await tickets.write(trx, writes);
  },
};

/** The page's tickets that may have facts stored: one opened in this page has none yet (the checkpoint applies each event once). */
function storedTicketIds(events: readonly RecordedEvent[]): string[] {
  const ticketIds = new Set(events.filter((recorded) => categoryOf(recorded) === 'ticket').map((recorded) => recorded.streamId.slice('ticket-'.length)));
  for (const recorded of events) if (recorded.revision === 0 && recorded.type === 'TicketOpened') ticketIds.delete(recorded.streamId.slice('ticket-'.length));
  return [...ticketIds];
}

const categoryOf = (recorded: RecordedEvent): string => recorded.streamId.slice(0, recorded.streamId.indexOf('-'));

/**
 * Ticket facts fold into the page in memory; the few article and calendar events write as they
 * come, so a calendar version is stored before the page's tickets are refigured against it.
 */
async function applyOne(trx: Knex.Transaction, tickets: TicketFactsPage, recorded: RecordedEvent): Promise<void> {
  // Each category's command handlers are the only writers of its streams, so the casts hold.
  const category = categoryOf(recorded);
  switch (category) {
    case 'ticket': {
      const event = { type: recorded.type, data: recorded.data } as TicketEvent;
      if (event.type === 'TicketArticleLinked') await linkArticle(trx, recorded, event.data.articleId, event.data.at);
      tickets.apply(recorded, event);
      return;
    }
    case 'businesscalendar':
      await keepCalendarVersion(trx, recorded, { type: recorded.type, data: recorded.data } as BusinessCalendarEvent);
      return;
    case 'article':
      await applyArticleEvent(trx, recorded, { type: recorded.type, data: recorded.data } as ArticleEvent);
      return;
    case 'articlefeedback':
      await applyFeedbackEvent(trx, recorded, { type: recorded.type, data: recorded.data } as ArticleFeedbackEvent);
      return;
    case 'team':
    case 'category':
    case 'service':
    case 'user':
      await keepName(trx, recorded, category);
      return;
    default:
      return;
  }
}

async function keepCalendarVersion(trx: Knex.Transaction, recorded: RecordedEvent, event: BusinessCalendarEvent): Promise<void> {
  if (event.type === 'CalendarRetired') return;
  const tenantId = event.type === 'CalendarDefined' ? event.data.tenantId : recorded.metadata.tenantId;
  if (typeof tenantId !== 'string') return;
  const calendarId = recorded.streamId.slice('businesscalendar-'.length);
  await trx(CALENDAR_VERSIONS)
    .insert({ calendar_id: calendarId, version: event.data.version, tenant_id: tenantId, calendar: JSON.stringify(event.data.calendar) })
    .onConflict(['calendar_id', 'version'])
    .ignore();
}
