import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, expectStatus } from '../support/identity-fixtures.js';
import { openP1, setUpSlaDesk } from '../support/sla-desk.js';
import type { TestSmtpServer } from '../support/smtp.js';
import { startSmtpServer } from '../support/smtp.js';

// The test owns time: Tue 1 Dec 2026, 08:00 UTC, inside the desk's office hours.
const START = Date.parse('2026-12-01T08:00:00Z');
const MINUTE = 60_000;
let now = new Date(START);

interface OutboxRow {
  readonly id: string;
  readonly kind: string;
  readonly recipientUserId: string;
  readonly subject: string;
}

const test = suite<{ api?: RunningApi; smtp?: TestSmtpServer }>('SLA mail: the people an escalation names are told', {});

test.before(async (context) => {
  context.smtp = await startSmtpServer();
  context.api = await startApi({ clock: () => now, environment: { RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000', SMTP_URL: context.smtp.url, NOTIFY_RETRY_BASE_MS: '10' } });
});
test.after(async (context) => {
  await context.api?.close();
  await context.smtp?.close();
});

test('the named people get the warning and the breach mail over SMTP, besides being made watchers', async ({ api, smtp }) => {
  now = new Date(START);
  const { tenant, token } = await setUpSlaDesk(api!, 'SLA mail', {
    escalation: (owner) => ({ onWarning: { notifyUserIds: [owner.sessions.manager.id] }, onBreach: { notifyUserIds: [owner.sessions.manager.id, owner.sessions.admin.id] } }),
  });
  const ticketId = await openP1(api!, await token('user'));
  const { scheduler, notifications } = api!.system;
  // 08:50: the first-response warning (due 08:48); 09:30: its breach (due 09:00). Nobody works the ticket.
  now = new Date(START + 50 * MINUTE);
  await scheduler.runOnce(now);
  now = new Date(START + 90 * MINUTE);
  await scheduler.runOnce(now);
  await api!.system.projections.catchUp();

  const outbox = expectStatus(await call<{ data: OutboxRow[] }>(api!.baseUrl, '/api/v1/notifications/outbox?limit=100', { headers: bearer(await token('admin')) }), 200, 'outbox').body.data;
  const sla = outbox.filter((row) => row.kind === 'sla_warning' || row.kind === 'sla_breached');
  const { manager, admin } = tenant.sessions;
  assert.equal(sla.map((row) => [row.kind, row.recipientUserId]).sort(), [['sla_breached', admin.id], ['sla_breached', manager.id], ['sla_warning', manager.id]].sort());

  await notifications!.runOnce();
  const mailTo = (email: string) => smtp!.received.filter((mail) => mail.to.includes(email)).map((mail) => mail.header('Subject') ?? '');
  const number = sla[0]!.subject.match(/INC-\d+/)?.[0];
  assert.ok(number, 'the subject names the ticket');
  assert.equal(mailTo(manager.email).filter((subject) => subject.includes(number)).length, 2, 'the manager: warning and breach');
  assert.equal(mailTo(admin.email).filter((subject) => subject.includes(number)).length, 1, 'the admin: the breach only');

  const events = await api!.system.store.readStream(`ticket-${ticketId}`);
  assert.equal(events.filter((event) => event.type === 'TicketWatcherAdded').map((event) => event.data.userId).sort(), [manager.id, admin.id].sort(), 'and they watch the ticket');
});

test.run();
