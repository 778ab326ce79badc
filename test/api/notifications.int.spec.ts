import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';
import type { TestSmtpServer } from '../support/smtp.js';
import { startSmtpServer } from '../support/smtp.js';

interface OutboxRow {
  readonly id: string;
  readonly kind: string;
  readonly recipientUserId: string;
  readonly recipientEmail: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly state: string;
  readonly messageId: string | null;
}
interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}
interface Ticket {
  readonly id: string;
  readonly number: string;
}

const test = suite<{ api?: RunningApi; smtp?: TestSmtpServer; a?: TenantFixture; b?: TenantFixture }>('notifications over HTTP and SMTP', {});

test.before(async (context) => {
  context.smtp = await startSmtpServer();
  context.api = await startApi({
    environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000', SMTP_URL: context.smtp.url, NOTIFY_RETRY_BASE_MS: '10' },
  });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Mail A'), setUpTenant(context.api.baseUrl, 'Mail B')]);
});
test.after(async (context) => {
  await context.api?.close();
  await context.smtp?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

async function openTicket(api: RunningApi, tenant: TenantFixture, title: string): Promise<Ticket> {
  const response = await call<Ticket>(api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: as(tenant, 'user'), json: { type: 'incident', title, description: 'It broke', impact: 'low', urgency: 'medium' } });
  return expectStatus(response, 201, 'opening a ticket').body;
}

async function outbox(api: RunningApi, tenant: TenantFixture, query = ''): Promise<OutboxRow[]> {
  return expectStatus(await call<Page<OutboxRow>>(api.baseUrl, `/api/v1/notifications/outbox?limit=100${query}`, { headers: as(tenant) }), 200, 'reading the outbox').body.data;
}

test('a new ticket mails its requester, rendered, over SMTP', async ({ api, smtp, a }) => {
  const ticket = await openTicket(api!, a!, 'VPN drops every hour');
  const requester = a!.sessions.user;
  const rows = (await outbox(api!, a!)).filter((row) => row.kind === 'ticket_created' && row.subject.includes(ticket.number));
  assert.is(rows.length, 1);
  assert.is(rows[0]!.recipientEmail, requester.email);
  assert.is(rows[0]!.state, 'pending');

  await api!.system.notifications!.runOnce();
  const mail = smtp!.received.find((message) => message.header('Message-ID') === `<${rows[0]!.id}@itsm>`);
  assert.ok(mail, 'the message arrived');
  assert.equal(mail.to, [requester.email]);
  assert.is(mail.header('Subject'), `[${ticket.number}] VPN drops every hour`);
  assert.ok(mail.raw.includes(`Hello ${requester.name}`));
  assert.ok(mail.raw.includes('VPN drops every hour'));
  const sent = (await outbox(api!, a!, '&state=sent')).find((row) => row.id === rows[0]!.id);
  assert.is(sent?.messageId, `<${rows[0]!.id}@itsm>`);
});

test('an internal note never mails the requester; a public comment does', async ({ api, smtp, a }) => {
  const ticket = await openTicket(api!, a!, 'Printer jam');
  const comment = (body: string, internal: boolean) =>
    call(api!.baseUrl, `/api/v1/tickets/${ticket.id}/comments`, { method: 'POST', headers: as(a!, 'technician'), json: { body, internal } });
  expectStatus(await comment('Internal: requester is a VIP', true), 201, 'internal note');
  expectStatus(await comment('We are on our way', false), 201, 'public comment');
  await api!.system.notifications!.runOnce();

  const requester = a!.sessions.user;
  const commentRows = (await outbox(api!, a!)).filter((row) => row.kind === 'ticket_commented' && row.subject.includes(ticket.number));
  assert.equal(
    commentRows.map((row) => row.recipientEmail),
    [requester.email],
  );
  assert.ok(commentRows[0]!.text.includes('We are on our way'));
  const toRequester = smtp!.received.filter((mail) => mail.to.includes(requester.email));
  assert.ok(toRequester.some((mail) => mail.raw.includes('We are on our way')));
  assert.not.ok(toRequester.some((mail) => mail.raw.includes('VIP')), 'the internal note was never mailed');
  assert.not.ok((await outbox(api!, a!)).some((row) => row.text.includes('VIP') && row.recipientUserId === requester.id));
});

test('a ticket title is escaped in the html part, and kept as written in the text part', async ({ api, a }) => {
  const ticket = await openTicket(api!, a!, '<script>alert(1)</script> in the portal');
  const [row] = (await outbox(api!, a!)).filter((entry) => entry.kind === 'ticket_created' && entry.subject.includes(ticket.number));
  assert.ok(row);
  assert.not.ok(row.html.includes('<script>'));
  assert.ok(row.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(row.text.includes('<script>alert(1)</script>'));
});

test('an admin edits a template with If-Match; new mail uses it, other tenants keep the default', async ({ api, a, b }) => {
  const before = await call<{ custom: boolean; version: number | null; subject: string }>(api!.baseUrl, '/api/v1/email-templates/ticket_created', { headers: as(a!) });
  assert.is(before.status, 200);
  assert.is(before.body.custom, false);
  const body = { subject: 'We got it: {{ticket.title}} ({{ticket.number}})', html: '<h1>{{ticket.title}}</h1>', text: 'Got it: {{ticket.title}}' };
  const saved = await call<{ custom: boolean; version: number }>(api!.baseUrl, '/api/v1/email-templates/ticket_created', { method: 'PUT', headers: as(a!), json: body });
  assert.is(saved.status, 200, JSON.stringify(saved.body));
  assert.is(saved.body.custom, true);
  assert.is(saved.headers.get('etag'), `"${saved.body.version}"`);
  const stale = await call(api!.baseUrl, '/api/v1/email-templates/ticket_created', { method: 'PUT', headers: { ...as(a!), 'If-Match': `"${saved.body.version + 5}"` }, json: { ...body, text: 'x' } });
  assert.is(stale.status, 412);

  const ticket = await openTicket(api!, a!, 'Monitor flickers');
  const [row] = (await outbox(api!, a!)).filter((entry) => entry.kind === 'ticket_created' && entry.subject.includes(ticket.number));
  assert.is(row?.subject, `We got it: Monitor flickers (${ticket.number})`);
  assert.is(row?.html, '<h1>Monitor flickers</h1>');

  const list = await call<Page<{ kind: string; custom: boolean }>>(api!.baseUrl, '/api/v1/email-templates', { headers: as(b!) });
  assert.is(list.body.data.length, 7);
  assert.ok(list.body.data.every((template) => !template.custom));
});

test('preview renders sample data and escapes html; a template that does not compile is a 400 with the engine message', async ({ api, a }) => {
  const preview = await call<{ subject: string; html: string; text: string }>(api!.baseUrl, '/api/v1/email-templates/ticket_commented/preview', {
    method: 'POST',
    headers: as(a!),
    json: { subject: '{{ticket.number}} <b>', html: '<p>{{comment.body}}</p><p>{{recipient.name}}</p>{{#if actor}}<i>{{actor.name}}</i>{{/if}}', text: '{{comment.body}} & more' },
  });
  assert.is(preview.status, 200, JSON.stringify(preview.body));
  assert.is(preview.body.subject, 'INC-000123 <b>');
  assert.ok(preview.body.html.startsWith('<p>Could you try'));
  assert.ok(preview.body.html.includes('<i>Sam Technician</i>'));
  assert.ok(preview.body.text.endsWith('& more'));

  const escaping = await call<{ subject: string; html: string; text: string }>(api!.baseUrl, '/api/v1/email-templates/ticket_created/preview', {
    method: 'POST',
    headers: as(a!),
    json: { subject: '{{ticket.title}}', html: '<p>{{ticket.title}}</p>', text: '{{ticket.title}}' },
  });
  assert.is(escaping.status, 200, JSON.stringify(escaping.body));
  assert.equal(escaping.body, { subject: 'Laptop & <USB-C> dock do not start', html: '<p>Laptop &amp; &lt;USB-C&gt; dock do not start</p>', text: 'Laptop & <USB-C> dock do not start' });

  const current = await call<{ subject: string }>(api!.baseUrl, '/api/v1/email-templates/ticket_resolved/preview', { method: 'POST', headers: as(a!) });
  assert.is(current.status, 200);
  assert.is(current.body.subject, '[INC-000123] resolved: Laptop & <USB-C> dock do not start');
  const empty = await call<{ subject: string }>(api!.baseUrl, '/api/v1/email-templates/ticket_resolved/preview', { method: 'POST', headers: as(a!), json: {} });
  assert.equal([empty.status, empty.body], [200, current.body], '`{}` previews the current template, as documented');
  const subjectOnly = await call<{ subject: string; text: string }>(api!.baseUrl, '/api/v1/email-templates/ticket_resolved/preview', { method: 'POST', headers: as(a!), json: { subject: 'Done: {{ticket.number}}' } });
  assert.equal([subjectOnly.status, subjectOnly.body.subject, subjectOnly.body.text], [200, 'Done: INC-000123', (current.body as { text?: string }).text], 'a part left out is the current template');

  const broken = await call<{ status: number; errors: Array<{ path: string; message: string }>; stack?: unknown }>(api!.baseUrl, '/api/v1/email-templates/ticket_created/preview', {
    method: 'POST',
    headers: as(a!),
    json: { subject: '{{#if ticket}}', html: '{{nope ticket}}', text: 'fine' },
  });
  assert.is(broken.status, 400);
  assert.equal(broken.body.errors.map((error) => error.path), ['/subject', '/html']);
  assert.match(broken.body.errors[0]!.message, /Parse error/);
  assert.match(broken.body.errors[1]!.message, /Missing helper: "nope"/);
  assert.not.ok(JSON.stringify(broken.body).includes('    at '), 'no stack trace');
  const saveBroken = await call(api!.baseUrl, '/api/v1/email-templates/ticket_created', { method: 'PUT', headers: as(a!), json: { subject: '{{#if}}', html: 'x', text: 'y' } });
  assert.is(saveBroken.status, 400);
  assert.is((await call(api!.baseUrl, '/api/v1/email-templates/not_a_kind', { headers: as(a!) })).status, 404);
});

test('the outbox and the templates are for admins only, and only of their own tenant', async ({ api, a, b }) => {
  for (const role of ['manager', 'technician', 'user'] as const) {
    assert.is((await call(api!.baseUrl, '/api/v1/notifications/outbox', { headers: as(a!, role) })).status, 403, role);
    assert.is((await call(api!.baseUrl, '/api/v1/email-templates', { headers: as(a!, role) })).status, 403, role);
  }
  assert.is((await call(api!.baseUrl, '/api/v1/notifications/outbox')).status, 401);
  const ours = await outbox(api!, a!);
  assert.ok(ours.length > 0);
  await openTicket(api!, b!, 'Tenant B only');
  const theirs = await outbox(api!, b!);
  assert.ok(theirs.length > 0);
  const ourIds = new Set(ours.map((row) => row.id));
  assert.not.ok(theirs.some((row) => ourIds.has(row.id)));
  assert.ok(theirs.every((row) => row.recipientEmail !== a!.sessions.user.email));
  const paged = await call<Page<OutboxRow>>(api!.baseUrl, '/api/v1/notifications/outbox?limit=1', { headers: as(a!) });
  assert.is(paged.body.data.length, 1);
  assert.ok(paged.body.nextCursor);
  const next = await call<Page<OutboxRow>>(api!.baseUrl, `/api/v1/notifications/outbox?limit=1&cursor=${paged.body.nextCursor}`, { headers: as(a!) });
  assert.is(next.status, 200);
  assert.is.not(next.body.data[0]?.id, paged.body.data[0]!.id);
  assert.is((await call(api!.baseUrl, '/api/v1/notifications/outbox?state=bogus', { headers: as(a!) })).status, 400);
});

test.run();
