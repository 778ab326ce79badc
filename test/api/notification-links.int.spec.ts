import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, createUser, expectStatus, login, signupTenant } from '../support/identity-fixtures.js';

interface OutboxRow {
  readonly kind: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const test = suite<{ api?: RunningApi }>('notification mail links to the ticket', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000', PUBLIC_BASE_URL: 'https://desk.example.com/' } });
});
test.after(async (context) => {
  await context.api?.close();
});

test('with PUBLIC_BASE_URL set, the mail about a new ticket links to <base>/tickets/<number>', async ({ api }) => {
  const base = api!.baseUrl;
  const tenant = await signupTenant(base, 'Mail links');
  const requester = await createUser(base, tenant.tokens.accessToken, 'user');
  const { accessToken } = await login(base, tenant.slug, requester.email, requester.password);
  const ticket = expectStatus(await call<{ number: string }>(base, '/api/v1/tickets', { method: 'POST', headers: bearer(accessToken), json: { type: 'incident', title: 'Monitor flickers', impact: 'low', urgency: 'low' } }), 201, 'raising').body;
  await api!.system.projections.catchUp();
  const rows = expectStatus(await call<{ data: OutboxRow[] }>(base, '/api/v1/notifications/outbox?limit=100', { headers: bearer(tenant.tokens.accessToken) }), 200, 'outbox').body.data;
  const created = rows.find((row) => row.kind === 'ticket_created' && row.subject.includes(ticket.number));
  assert.ok(created, JSON.stringify(rows));
  const url = `https://desk.example.com/tickets/${ticket.number}`;
  assert.ok(created.text.includes(`Open ${ticket.number}: ${url}`), created.text);
  assert.ok(created.html.includes(`href="${url}"`), created.html);
});

test.run();
