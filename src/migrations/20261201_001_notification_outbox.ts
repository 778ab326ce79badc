import type { Knex } from 'knex';

/**
 * Mail waiting to go out, and what became of it. A migration rather than a projection's own table:
 * rows carry delivery state the log does not hold, so a projection rebuild must not drop them.
 * The id is derived from the event id and the recipient, so a replay inserts nothing twice.
 * `message_id` is recorded before a send starts: a row still `sending` after a crash may have
 * been delivered, and is set aside as `in_doubt` instead of being sent again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE notification_outbox (
      id                 uuid PRIMARY KEY,
      tenant_id          uuid NOT NULL,
      kind               text NOT NULL,
      event_id           text NOT NULL,
      recipient_user_id  uuid NOT NULL,
      recipient_email    text NOT NULL,
      subject            text NOT NULL,
      html               text NOT NULL,
      text               text NOT NULL,
      state              text NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'in_doubt')),
      attempts           integer NOT NULL DEFAULT 0,
      next_attempt_at    timestamptz NOT NULL,
      claimed_at         timestamptz,
      last_error         text,
      message_id         text,
      created_at         timestamptz NOT NULL,
      sent_at            timestamptz
    );
    CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE state = 'pending';
    CREATE INDEX notification_outbox_sending ON notification_outbox (claimed_at) WHERE state = 'sending';
    CREATE INDEX notification_outbox_tenant ON notification_outbox (tenant_id, created_at DESC, id DESC);
    CREATE INDEX notification_outbox_tenant_state ON notification_outbox (tenant_id, state, created_at DESC, id DESC);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS notification_outbox');
}
