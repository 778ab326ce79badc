import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { BusinessCalendarEvent, CalendarDefinition, PolicyDefinition, PolicyTargets, SlaPolicyEvent } from '../../src/domain/sla/index.js';
import { businessCalendarsProjection, slaPoliciesProjection } from '../../src/projections/sla/index.js';
import { getCalendar, getCalendarVersion, getPolicy, getPolicyVersion, listCalendars, listPolicies, policiesUsingCalendar, policyChoices } from '../../src/projections/sla/queries.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, applyEvents, projectionSpec, rowsBothWays, tableRows } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';

interface Context {
  spec: ProjectionSpec;
  log: EventLog;
}

const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();
const definedAt = '2026-11-05T08:00:00.000Z';
const at = '2026-12-01T10:00:00.000Z';
const later = '2026-12-02T10:00:00.000Z';

const hours = [{ start: '09:00', end: '17:00' }];
const BERLIN: CalendarDefinition = { timeZone: 'Europe/Berlin', week: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: [], sun: [] }, holidays: ['2026-12-25'] };
const LONDON: CalendarDefinition = { timeZone: 'Europe/London', week: { mon: hours, tue: hours, wed: hours, thu: hours, fri: [], sat: [], sun: [] }, holidays: [] };

// ---- business calendars ----

const calendars = suite<Context>('business calendars projection');

calendars.before.each(async (context) => {
  context.spec = await projectionSpec(businessCalendarsProjection);
  context.log = new EventLog();
});
calendars.after.each(async (context) => {
  await context.spec.drop();
});

const calendarDefined = (calendarId: string, name = 'Berlin office', tenantId = TENANT): BusinessCalendarEvent => ({
  type: 'CalendarDefined',
  data: { calendarId, tenantId, name, calendar: BERLIN, version: 1, at: definedAt },
});
const revised = (version: number, name: string, calendar: CalendarDefinition, when = at): BusinessCalendarEvent => ({ type: 'CalendarRevised', data: { name, calendar, version, at: when } });
const calendarOf = (context: Context, id: string, events: readonly BusinessCalendarEvent[], tenantId = TENANT) =>
  context.log.record(`businesscalendar-${id}`, events, { tenantId, actorId: randomUUID(), occurredAt: at });

calendars('given a calendar defined, then the row shows version 1, not retired, and version 1 is kept', async (context) => {
  const id = randomUUID();
  await context.spec.apply(calendarOf(context, id, [calendarDefined(id)]));
  assert.equal(await getCalendar(context.spec.knex, TENANT, id), { id, name: 'Berlin office', version: 1, retired: false, calendar: BERLIN, createdAt: definedAt, updatedAt: definedAt });
  assert.equal(await getCalendarVersion(context.spec.knex, TENANT, id, 1), { id, version: 1, name: 'Berlin office', calendar: BERLIN, definedAt });
});

calendars('given defined and revised twice, then the row shows the latest version and every version stays readable', async (context) => {
  const id = randomUUID();
  await context.spec.apply(calendarOf(context, id, [calendarDefined(id), revised(2, 'London office', LONDON, at), revised(3, 'London office (winter)', BERLIN, later)]));
  const view = await getCalendar(context.spec.knex, TENANT, id);
  assert.is(view?.name, 'London office (winter)');
  assert.is(view?.version, 3);
  assert.equal(view?.calendar, BERLIN);
  assert.is(view?.updatedAt, later);
  assert.is(view?.createdAt, definedAt);
  assert.equal(await getCalendarVersion(context.spec.knex, TENANT, id, 2), { id, version: 2, name: 'London office', calendar: LONDON, definedAt: at });
  assert.is((await getCalendarVersion(context.spec.knex, TENANT, id, 1))?.name, 'Berlin office');
  assert.is(await getCalendarVersion(context.spec.knex, TENANT, id, 4), null);
});

calendars('given a calendar retired, then it lists as retired and its versions stay readable', async (context) => {
  const [kept, gone] = [randomUUID(), randomUUID()];
  await context.spec.apply([...calendarOf(context, kept, [calendarDefined(kept, 'Kept')]), ...calendarOf(context, gone, [calendarDefined(gone, 'Gone'), { type: 'CalendarRetired', data: { at: later } }])]);
  const { knex } = context.spec;
  assert.is((await getCalendar(knex, TENANT, gone))?.retired, true);
  assert.is((await getCalendar(knex, TENANT, gone))?.updatedAt, later);
  assert.equal((await listCalendars(knex, TENANT, { limit: 10, retired: false })).data.map((c) => c.id), [kept]);
  assert.equal((await listCalendars(knex, TENANT, { limit: 10, retired: true })).data.map((c) => c.id), [gone]);
  assert.equal((await listCalendars(knex, TENANT, { limit: 10 })).data.map((c) => c.name), ['Gone', 'Kept']);
  assert.ok(await getCalendarVersion(knex, TENANT, gone, 1));
});

calendars('given a revision of a calendar never defined, then no row and no version appear', async (context) => {
  const id = randomUUID();
  await context.spec.apply(calendarOf(context, id, [revised(2, 'Orphan', LONDON)]));
  assert.equal(await tableRows(context.spec.knex, 'business_calendars', ['id']), []);
  assert.equal(await tableRows(context.spec.knex, 'business_calendar_versions', ['id']), []);
});

calendars('given a history applied, when it is replayed, then nothing changes', async (context) => {
  const id = randomUUID();
  const events = calendarOf(context, id, [calendarDefined(id), revised(2, 'Second', LONDON), { type: 'CalendarRetired', data: { at: later } }]);
  await context.spec.apply(events);
  const before = [await tableRows(context.spec.knex, 'business_calendars', ['id']), await tableRows(context.spec.knex, 'business_calendar_versions', ['id', 'version'])];
  await context.spec.apply(events);
  await context.spec.apply([events[1]!]);
  assert.equal([await tableRows(context.spec.knex, 'business_calendars', ['id']), await tableRows(context.spec.knex, 'business_calendar_versions', ['id', 'version'])], before);
  assert.is(before[1]!.length, 2);
});

calendars('given calendars of two tenants, then every query sees only its own tenant', async (context) => {
  const [mine, theirs] = [randomUUID(), randomUUID()];
  await context.spec.apply([...calendarOf(context, mine, [calendarDefined(mine)]), ...calendarOf(context, theirs, [calendarDefined(theirs, 'Theirs', OTHER_TENANT), revised(2, 'Theirs 2', LONDON)], OTHER_TENANT)]);
  const { knex } = context.spec;
  assert.is(await getCalendar(knex, TENANT, theirs), null);
  assert.is(await getCalendarVersion(knex, TENANT, theirs, 1), null);
  // A revision takes the tenant of the calendar's row.
  assert.is((await getCalendarVersion(knex, OTHER_TENANT, theirs, 2))?.name, 'Theirs 2');
  assert.equal((await listCalendars(knex, TENANT, { limit: 10 })).data.map((c) => c.id), [mine]);
});

calendars('given a history, then one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const events = [
    ...calendarOf(context, a, [calendarDefined(a)]),
    ...calendarOf(context, b, [calendarDefined(b, 'B'), revised(2, 'B2', LONDON)]),
    ...calendarOf(context, a, [revised(2, 'A2', LONDON), { type: 'CalendarRetired', data: { at: later } }]),
  ];
  const { page, oneByOne } = await rowsBothWays(businessCalendarsProjection, events, [
    { table: 'business_calendars', orderBy: ['id'] },
    { table: 'business_calendar_versions', orderBy: ['id', 'version'] },
  ]);
  assert.equal(oneByOne, page);
  assert.is(page[1]!.length, 4);
});

calendars.run();

// ---- SLA policies ----

const policies = suite<Context>('SLA policies projection');

policies.before.each(async (context) => {
  context.spec = await projectionSpec(slaPoliciesProjection, { also: [businessCalendarsProjection] });
  context.log = new EventLog();
});
policies.after.each(async (context) => {
  await context.spec.drop();
});

const minutes = (first: number, resolve: number) => ({ firstResponseMinutes: first, resolutionMinutes: resolve });
const TARGETS: PolicyTargets = { P1: minutes(15, 240), P2: minutes(30, 480), P3: minutes(60, 1440), P4: minutes(240, 2880), P5: minutes(480, 4800) };
const CALENDAR = randomUUID();

const definition = (overrides: Partial<PolicyDefinition> = {}): PolicyDefinition => ({ name: 'Standard', calendarId: CALENDAR, scope: {}, targets: TARGETS, warningShare: 0.8, escalation: {}, ...overrides });
const policyDefined = (policyId: string, overrides: Partial<PolicyDefinition> = {}, tenantId = TENANT): SlaPolicyEvent => ({
  type: 'PolicyDefined',
  data: { ...definition(overrides), policyId, tenantId, version: 1, at: definedAt },
});
const policyRevised = (version: number, overrides: Partial<PolicyDefinition>, when = at): SlaPolicyEvent => ({ type: 'PolicyRevised', data: { ...definition(overrides), version, at: when } });
const policyOf = (context: Context, id: string, events: readonly SlaPolicyEvent[], tenantId = TENANT) => context.log.record(`slapolicy-${id}`, events, { tenantId, actorId: randomUUID(), occurredAt: at });

policies('given a policy defined, then the row shows its definition at version 1, and version 1 is kept', async (context) => {
  const id = randomUUID();
  await context.spec.apply(policyOf(context, id, [policyDefined(id, { scope: { ticketType: 'incident' } })]));
  assert.equal(await getPolicy(context.spec.knex, TENANT, id), { ...definition({ scope: { ticketType: 'incident' } }), id, version: 1, retired: false, createdAt: definedAt, updatedAt: definedAt });
  assert.equal(await getPolicyVersion(context.spec.knex, TENANT, id, 1), { ...definition({ scope: { ticketType: 'incident' } }), id, version: 1, definedAt });
  assert.equal(await policiesUsingCalendar(context.spec.knex, TENANT, CALENDAR), [id]);
});

policies('given defined and revised onto another calendar, then the row shows the new version and both versions stay readable', async (context) => {
  const id = randomUUID();
  const otherCalendar = randomUUID();
  const escalation = { onBreach: { reassignTeamId: randomUUID() } };
  await context.spec.apply(policyOf(context, id, [policyDefined(id), policyRevised(2, { name: 'Gold', calendarId: otherCalendar, warningShare: 0.5, escalation }, later)]));
  const { knex } = context.spec;
  const view = await getPolicy(knex, TENANT, id);
  assert.is(view?.name, 'Gold');
  assert.is(view?.version, 2);
  assert.is(view?.calendarId, otherCalendar);
  assert.is(view?.warningShare, 0.5);
  assert.equal(view?.escalation, escalation);
  assert.is(view?.updatedAt, later);
  assert.is((await getPolicyVersion(knex, TENANT, id, 1))?.name, 'Standard');
  assert.is((await getPolicyVersion(knex, TENANT, id, 2))?.calendarId, otherCalendar);
  assert.equal(await policiesUsingCalendar(knex, TENANT, CALENDAR), []);
  assert.equal(await policiesUsingCalendar(knex, TENANT, otherCalendar), [id]);
  assert.equal((await listPolicies(knex, TENANT, { limit: 10, calendarId: otherCalendar })).data.map((p) => p.id), [id]);
});

policies('given a policy retired, then it is no longer in force but lists as retired', async (context) => {
  const [kept, gone] = [randomUUID(), randomUUID()];
  await context.spec.apply([...policyOf(context, kept, [policyDefined(kept, { name: 'Kept' })]), ...policyOf(context, gone, [policyDefined(gone, { name: 'Gone' }), { type: 'PolicyRetired', data: { at: later } }])]);
  const { knex } = context.spec;
  assert.is((await getPolicy(knex, TENANT, gone))?.retired, true);
  assert.equal(await policiesUsingCalendar(knex, TENANT, CALENDAR), [kept]);
  assert.equal((await policyChoices(knex, TENANT)).map((choice) => choice.id), [kept]);
  assert.equal((await listPolicies(knex, TENANT, { limit: 10, retired: true })).data.map((p) => p.id), [gone]);
  assert.ok(await getPolicyVersion(knex, TENANT, gone, 1));
});

policies('given policies and their calendar, then the choices carry current definitions, log order and the calendar as it stands', async (context) => {
  const [first, second] = [randomUUID(), randomUUID()];
  await applyEvents(context.spec.knex, businessCalendarsProjection, [
    ...context.log.record(`businesscalendar-${CALENDAR}`, [{ type: 'CalendarDefined', data: { calendarId: CALENDAR, tenantId: TENANT, name: 'Berlin', calendar: BERLIN, version: 1, at: definedAt } }, revised(2, 'Berlin 2', LONDON)], {
      tenantId: TENANT,
    }),
  ]);
  const missingCalendar = randomUUID();
  const firstEvents = policyOf(context, first, [policyDefined(first, { scope: { ticketType: 'incident' } })]);
  const secondEvents = policyOf(context, second, [policyDefined(second, { calendarId: missingCalendar }), policyRevised(2, { calendarId: missingCalendar, name: 'Revised' })]);
  await context.spec.apply([...firstEvents, ...secondEvents]);
  const choices = (await policyChoices(context.spec.knex, TENANT)).sort((a, b) => (a.definedOrder < b.definedOrder ? -1 : 1));
  assert.equal(
    choices.map((choice) => ({ id: choice.id, version: choice.version, scope: choice.scope, calendar: choice.calendar, name: choice.definition.name })),
    [
      { id: first, version: 1, scope: { ticketType: 'incident' }, calendar: { id: CALENDAR, version: 2 }, name: 'Standard' },
      { id: second, version: 2, scope: {}, calendar: null, name: 'Revised' },
    ],
  );
  // The order is the log position of the PolicyDefined event; a revision does not move it.
  const position = secondEvents[0]!.position;
  assert.is(choices[1]!.definedOrder, BigInt(`${position.commit.toString().padStart(20, '0')}${position.prepare.toString().padStart(20, '0')}`));
  assert.ok(choices[0]!.definedOrder < choices[1]!.definedOrder);
});

policies('given a history applied, when it is replayed, then nothing changes', async (context) => {
  const id = randomUUID();
  const events = policyOf(context, id, [policyDefined(id), policyRevised(2, { name: 'Second' }), { type: 'PolicyRetired', data: { at: later } }]);
  await context.spec.apply(events);
  const before = [await tableRows(context.spec.knex, 'sla_policies', ['id']), await tableRows(context.spec.knex, 'sla_policy_versions', ['id', 'version'])];
  await context.spec.apply(events);
  await context.spec.apply([events[1]!]);
  assert.equal([await tableRows(context.spec.knex, 'sla_policies', ['id']), await tableRows(context.spec.knex, 'sla_policy_versions', ['id', 'version'])], before);
  assert.is(before[0]![0]!.retired, true);
  assert.is(before[0]![0]!.name, 'Second');
});

policies('given policies of two tenants, then every query sees only its own tenant', async (context) => {
  const [mine, theirs] = [randomUUID(), randomUUID()];
  await context.spec.apply([...policyOf(context, mine, [policyDefined(mine)]), ...policyOf(context, theirs, [policyDefined(theirs, {}, OTHER_TENANT), policyRevised(2, {})], OTHER_TENANT)]);
  const { knex } = context.spec;
  assert.is(await getPolicy(knex, TENANT, theirs), null);
  assert.is(await getPolicyVersion(knex, TENANT, theirs, 1), null);
  assert.ok(await getPolicyVersion(knex, OTHER_TENANT, theirs, 2));
  assert.equal(await policiesUsingCalendar(knex, TENANT, CALENDAR), [mine]);
  assert.equal((await policyChoices(knex, TENANT)).map((choice) => choice.id), [mine]);
  assert.equal((await listPolicies(knex, OTHER_TENANT, { limit: 10 })).data.map((p) => p.id), [theirs]);
});

policies('given a history, then one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const events = [
    ...policyOf(context, a, [policyDefined(a)]),
    ...policyOf(context, b, [policyDefined(b, { name: 'B', scope: { serviceId: randomUUID() } }), policyRevised(2, { name: 'B2' })]),
    ...policyOf(context, a, [policyRevised(2, { name: 'A2' }), { type: 'PolicyRetired', data: { at: later } }]),
  ];
  const { page, oneByOne } = await rowsBothWays(slaPoliciesProjection, events, [
    { table: 'sla_policies', orderBy: ['id'] },
    { table: 'sla_policy_versions', orderBy: ['id', 'version'] },
  ]);
  assert.equal(oneByOne, page);
  assert.is(page[1]!.length, 4);
});

policies.run();
