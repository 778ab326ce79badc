import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, expectStatus, signupTenant } from '../support/identity-fixtures.js';
import { parseExposition, samplesOf } from './exposition.js';

// The test owns time. Tue 1 Dec 2026, 08:00 UTC: inside office hours.
const START = Date.parse('2026-12-01T08:00:00Z');
let now = new Date(START);
const MINUTE = 60_000;

const test = suite<{ api?: RunningApi }>('observability: scheduler metrics', {});

test.before(async (context) => {
  context.api = await startApi({ clock: () => now, environment: { READ_YOUR_WRITES_TIMEOUT_MS: '20000' } });
});
test.after(async (context) => {
  await context.api?.close();
});

test('timers fired count by kind, and a first-response breach counts once by clock', async ({ api }) => {
  const { baseUrl } = api!;
  const { tokens } = await signupTenant(baseUrl, 'Timers');
  const admin = tokens.accessToken;
  const office = [{ start: '08:00', end: '17:00' }];
  const calendar = expectStatus(
    await call<{ id: string }>(baseUrl, '/api/v1/business-calendars', { method: 'POST', headers: bearer(admin), json: { name: 'UTC office', calendar: { timeZone: 'UTC', week: { mon: office, tue: office, wed: office, thu: office, fri: office }, holidays: [] } } }),
    201,
    'calendar',
  );
  const target = { firstResponseMinutes: 60, resolutionMinutes: 480 };
  expectStatus(await call(baseUrl, '/api/v1/sla-policies', { method: 'POST', headers: bearer(admin), json: { name: 'Standard', calendarId: calendar.body.id, targets: { P1: target, P2: target, P3: target, P4: target, P5: target } } }), 201, 'policy');
  expectStatus(await call(baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(admin), json: { type: 'incident', title: 'Payroll system down', impact: 'high', urgency: 'high' } }), 201, 'ticket');

  // The first-response warning (08:48) and breach (09:00) are both due at 09:30; fired once, even when asked again.
  now = new Date(START + 90 * MINUTE);
  assert.is(await api!.system.scheduler.runOnce(now), 2);
  assert.is(await api!.system.scheduler.runOnce(now), 0);

  const samples = parseExposition(await (await fetch(`${baseUrl}/metrics`)).text());
  assert.equal(samplesOf(samples, 'itsm_scheduler_timers_fired_total', { kind: 'sla_warning' }).map((sample) => sample.value), [1]);
  assert.equal(samplesOf(samples, 'itsm_scheduler_timers_fired_total', { kind: 'sla_breach' }).map((sample) => sample.value), [1]);
  assert.equal(samplesOf(samples, 'itsm_sla_breaches_total').map((sample) => [sample.labels.clock, sample.value]), [['firstResponse', 1]]);
});

test.run();
