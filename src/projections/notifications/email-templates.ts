import type { Knex } from 'knex';
import type { EmailTemplateEvent } from '../../domain/email-template/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

export const EMAIL_TEMPLATES = 'email_templates';

/** The templates tenants wrote themselves; a kind without a row uses the built-in default. */
export const emailTemplatesProjection: Projection = {
  name: EMAIL_TEMPLATES,
  version: 1,
  runs: 'inline',
  filter: { categories: ['emailtemplate'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(EMAIL_TEMPLATES, (table) => {
      table.uuid('tenant_id').notNullable();
      table.text('kind').notNullable();
      table.text('subject').notNullable();
      table.text('html').notNullable();
      table.text('text').notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      table.primary(['tenant_id', 'kind']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(EMAIL_TEMPLATES);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as EmailTemplateEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: EmailTemplateEvent): Promise<void> {
  switch (event.type) {
    case 'EmailTemplateSaved': {
      const d = event.data;
      const row = { tenant_id: d.tenantId, kind: d.kind, subject: d.subject, html: d.html, text: d.text, updated_at: d.at, version: recorded.revision };
      // The revision guard turns a replayed event into a no-op.
      await trx(EMAIL_TEMPLATES)
        .insert(row)
        .onConflict(['tenant_id', 'kind'])
        .merge(['subject', 'html', 'text', 'updated_at', 'version'])
        .where(`${EMAIL_TEMPLATES}.version`, '<', recorded.revision);
      return;
    }
    default: {
      const _exhaustive: never = event.type;
      return _exhaustive;
    }
  }
}
