import type { Knex } from 'knex';
import { FORGOTTEN_NAME, forgottenEmail } from '../domain/identity/index.js';
import type { Projection } from '../projections/types.js';

const OUTBOX = 'notification_outbox';

/**
 * The mail outbox copied a person's address and rendered their name into each mail to them; it
 * lives outside the log (a migration's table), so a destroyed key does not reach it. On
 * UserForgotten their rows lose address and contents, and mail not yet sent is never sent.
 * Owns no tables: a rebuild replays the UserForgotten events, and the updates are idempotent.
 */
export const forgottenRecipientsProjection: Projection = {
  name: 'forgotten-recipients',
  version: 1,
  runs: 'async',
  filter: { categories: ['user'], eventTypes: ['UserForgotten'] },
  async createTables() {},
  async dropTables() {},
  async apply(trx: Knex.Transaction, events) {
    for (const event of events) {
      if (event.type !== 'UserForgotten') continue;
      const userId = event.streamId.slice('user-'.length);
      const rows = () => trx(OUTBOX).where({ recipient_user_id: userId });
      await rows().update({ recipient_email: forgottenEmail(userId), subject: FORGOTTEN_NAME, html: FORGOTTEN_NAME, text: FORGOTTEN_NAME });
      // A mail already handed to the sender ('sending') is past stopping; its row is scrubbed all the same.
      await rows().where({ state: 'pending' }).update({ state: 'failed', last_error: 'the recipient was forgotten before it was sent' });
    }
  },
};
