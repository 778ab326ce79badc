import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { NotificationSender } from '../../src/notifications/sender.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import type { TestSmtpServer } from '../support/smtp.js';
import { startSmtpServer } from '../support/smtp.js';

interface OutboxRow {
  id: string;
  state: string;
  attempts: number;
  message_id: string | null;
  last_error: string | null;
  next_attempt_at: Date;
  sent_at: Date | null;
}

const test = suite<{ database?: TestDatabase; smtp?: TestSmtpServer }>('notification sender: over a real SMTP server', {});

test.before(async (context) => {
  [context.database, context.smtp] = await Promise.all([createTestDatabase(), startSmtpServer()]);
});
test.after(async (context) => {
  await context.smtp?.close();
  await context.database?.drop();
});
test.before.each(async ({ database, smtp }) => {
  await database!.db.knex('notification_outbox').delete();
  smtp!.received.length = 0;
  smtp!.deferNext(0);
});

function senderFor(context: { database?: TestDatabase; smtp?: TestSmtpServer }, options: { maxAttempts?: number } = {}): NotificationSender {
  return new NotificationSender({
    knex: context.database!.db.knex,
    smtpUrl: context.smtp!.url,
    from: 'itsm <no-reply@itsm.test>',
    timeoutMs: 2_000,
    maxAttempts: options.maxAttempts ?? 3,
    retryBaseMs: 10,
    pollMs: 20,
    clock: () => new Date(),
    logger: silentLogger,
  });
}

async function queue(database: TestDatabase, fields: Record<string, unknown> = {}): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await database.db.knex('notification_outbox').insert({
    id,
    tenant_id: randomUUID(),
    kind: 'ticket_created',
    event_id: randomUUID(),
    recipient_user_id: randomUUID(),
    recipient_email: 'alex@example.test',
    subject: 'Your request INC-000001',
    html: '<p>We have it.</p>',
    text: 'We have it.',
    state: 'pending',
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
    ...fields,
  });
  return id;
}

const rowOf = async (database: TestDatabase, id: string): Promise<OutboxRow> => (await database.db.knex('notification_outbox').where({ id }).first()) as OutboxRow;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('sends a due row once, with the Message-ID recorded before the send', async (context) => {
  const { database, smtp } = context;
  const id = await queue(database!);
  const sender = senderFor(context);
  try {
    assert.is(await sender.runOnce(), 1);
    assert.is(await sender.runOnce(), 0, 'nothing left to send');
  } finally {
    await sender.close();
  }
  const row = await rowOf(database!, id);
  assert.is(row.state, 'sent');
  assert.is(row.message_id, `<${id}@itsm>`);
  assert.ok(row.sent_at);
  assert.is(smtp!.received.length, 1);
  const [mail] = smtp!.received;
  assert.equal(mail!.to, ['alex@example.test']);
  assert.is(mail!.header('Message-ID'), `<${id}@itsm>`);
  assert.is(mail!.header('Subject'), 'Your request INC-000001');
  assert.ok(mail!.raw.includes('<p>We have it.</p>'));
});

test('a 4xx answer is retried after a backoff, then the mail goes out', async (context) => {
  const { database, smtp } = context;
  const id = await queue(database!);
  smtp!.deferNext(1);
  const sender = senderFor(context);
  try {
    await sender.runOnce();
    const deferred = await rowOf(database!, id);
    assert.is(deferred.state, 'pending');
    assert.is(deferred.attempts, 1);
    assert.match(deferred.last_error ?? '', /451/);
    assert.ok(new Date(deferred.next_attempt_at).getTime() > Date.now() - 1_000);
    assert.is(smtp!.received.length, 0);
    await sleep(30);
    await sender.runOnce();
  } finally {
    await sender.close();
  }
  const sent = await rowOf(database!, id);
  assert.is(sent.state, 'sent');
  assert.is(sent.attempts, 2);
  assert.is(smtp!.received.length, 1, 'delivered exactly once');
});

test('gives up as failed after the last attempt, and at once on a 5xx', async (context) => {
  const { database, smtp } = context;
  const busy = await queue(database!);
  smtp!.deferNext(10);
  const sender = senderFor(context, { maxAttempts: 2 });
  try {
    await sender.runOnce();
    await sleep(30);
    await sender.runOnce();
    const failed = await rowOf(database!, busy);
    assert.is(failed.state, 'failed');
    assert.is(failed.attempts, 2);

    const refused = await queue(database!);
    smtp!.deferNext(1, 550);
    await sender.runOnce();
    const rejected = await rowOf(database!, refused);
    assert.is(rejected.state, 'failed');
    assert.is(rejected.attempts, 1);
  } finally {
    await sender.close();
  }
  assert.is(smtp!.received.length, 0);
});

test('a row left mid-send by a crashed sender is set aside as in_doubt, never sent again', async (context) => {
  const { database, smtp } = context;
  const longAgo = new Date(Date.now() - 3_600_000);
  const id = await queue(database!, { state: 'sending', attempts: 1, claimed_at: longAgo, next_attempt_at: longAgo });
  await database!.db.knex('notification_outbox').where({ id }).update({ message_id: `<${id}@itsm>` });
  const sender = senderFor(context);
  try {
    assert.is(await sender.runOnce(), 0);
  } finally {
    await sender.close();
  }
  const row = await rowOf(database!, id);
  assert.is(row.state, 'in_doubt');
  assert.is(row.attempts, 1);
  assert.ok(row.last_error);
  assert.is(smtp!.received.length, 0, 'not sent a second time');
});

test('a send in progress elsewhere is left alone', async (context) => {
  const { database, smtp } = context;
  const id = await queue(database!, { state: 'sending', attempts: 1, claimed_at: new Date() });
  await database!.db.knex('notification_outbox').where({ id }).update({ message_id: `<${id}@itsm>` });
  const sender = senderFor(context);
  try {
    await sender.runOnce();
  } finally {
    await sender.close();
  }
  assert.is((await rowOf(database!, id)).state, 'sending');
  assert.is(smtp!.received.length, 0);
});

test('the loop started and stopped delivers what is due', async (context) => {
  const { database, smtp } = context;
  const id = await queue(database!);
  const sender = senderFor(context);
  sender.start();
  try {
    for (let i = 0; i < 100 && (await rowOf(database!, id)).state !== 'sent'; i += 1) await sleep(20);
  } finally {
    await sender.close();
  }
  assert.is((await rowOf(database!, id)).state, 'sent');
  assert.is(smtp!.received.length, 1);
});

test.run();
