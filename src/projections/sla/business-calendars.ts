import type { Knex } from 'knex';
import type { BusinessCalendarEvent } from '../../domain/sla/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

export const CALENDARS = 'business_calendars';
export const CALENDAR_VERSIONS = 'business_calendar_versions';

/**
 * The tenant's business calendars with their current version, and every version ever defined:
 * a ticket's clocks are evaluated under the version it recorded, however often the calendar changed since.
 */
export const businessCalendarsProjection: Projection = {
  name: CALENDARS,
  version: 1,
  runs: 'inline',
  filter: { categories: ['businesscalendar'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(CALENDARS, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('name').notNullable();
      // The calendar's own version (1, 2, …); `revision` below is the stream's, guarding replays.
      table.integer('version').notNullable();
      table.jsonb('calendar').notNullable();
      table.boolean('retired').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('revision').notNullable();
      // One per way the list is filtered, each ending in the (name, id) keyset order.
      table.index(['tenant_id', 'name', 'id']);
      table.index(['tenant_id', 'retired', 'name', 'id']);
    });
    await knex.schema.createTable(CALENDAR_VERSIONS, (table) => {
      table.uuid('id').notNullable();
      table.integer('version').notNullable();
      table.uuid('tenant_id').notNullable();
      table.text('name').notNullable();
      table.jsonb('calendar').notNullable();
      table.timestamp('defined_at', { useTz: true }).notNullable();
      table.primary(['id', 'version']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(CALENDAR_VERSIONS);
    await knex.schema.dropTableIfExists(CALENDARS);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as BusinessCalendarEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: BusinessCalendarEvent): Promise<void> {
  const id = recorded.streamId.slice('businesscalendar-'.length);
  // The revision guard turns a replayed event into a no-op; versions are keyed by number and inserted once.
  const change = (fields: Record<string, unknown>, at: string) =>
    trx(CALENDARS).where({ id }).andWhere('revision', '<', recorded.revision).update({ ...fields, updated_at: at, revision: recorded.revision });
  const keepVersion = (tenantId: string, version: number, name: string, calendar: unknown, at: string) =>
    trx(CALENDAR_VERSIONS).insert({ id, version, tenant_id: tenantId, name, calendar: JSON.stringify(calendar), defined_at: at }).onConflict(['id', 'version']).ignore();
  switch (event.type) {
    case 'CalendarDefined': {
      const d = event.data;
      await trx(CALENDARS)
        .insert({ id, tenant_id: d.tenantId, name: d.name, version: d.version, calendar: JSON.stringify(d.calendar), retired: false, created_at: d.at, updated_at: d.at, revision: recorded.revision })
        .onConflict('id')
        .ignore();
      await keepVersion(d.tenantId, d.version, d.name, d.calendar, d.at);
      return;
    }
    case 'CalendarRevised': {
      const d = event.data;
      const row = (await trx(CALENDARS).select('tenant_id').where({ id }).first()) as { tenant_id: string } | undefined;
      if (!row) return;
      await keepVersion(row.tenant_id, d.version, d.name, d.calendar, d.at);
      await change({ name: d.name, version: d.version, calendar: JSON.stringify(d.calendar) }, d.at);
      return;
    }
    case 'CalendarRetired':
      await change({ retired: true }, event.data.at);
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
