import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ConcurrencyError, IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import type { PolicyCandidate, PolicyDefinition, PolicyScope, PolicyTargets, SlaPolicyCommand, SlaPolicyEvent } from '../../src/domain/sla/index.js';
import { selectPolicy, slaPolicyDecider } from '../../src/domain/sla/index.js';
import { deciderSpec } from '../support/decider-spec.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const at = now.toISOString();
const tenantId = '7f1c2d6e-0000-4000-8000-000000000001';
const policyId = '7f1c2d6e-0000-4000-8000-0000000000b1';
const calendarId = '7f1c2d6e-0000-4000-8000-0000000000a1';
const otherCalendarId = '7f1c2d6e-0000-4000-8000-0000000000a2';
const categoryId = '7f1c2d6e-0000-4000-8000-0000000000c1';
const serviceId = '7f1c2d6e-0000-4000-8000-0000000000e1';
const teamId = '7f1c2d6e-0000-4000-8000-0000000000f1';
const managerId = '7f1c2d6e-0000-4000-8000-0000000000d1';
const leadId = '7f1c2d6e-0000-4000-8000-0000000000d2';

const targets: PolicyTargets = {
  P1: { firstResponseMinutes: 15, resolutionMinutes: 240 },
  P2: { firstResponseMinutes: 30, resolutionMinutes: 480 },
  P3: { firstResponseMinutes: 60, resolutionMinutes: 1440 },
  P4: { firstResponseMinutes: 240, resolutionMinutes: 2880 },
  P5: { firstResponseMinutes: 480, resolutionMinutes: 4800 },
};
const definition: PolicyDefinition = { name: 'Standard', calendarId, scope: {}, targets, warningShare: 0.8, escalation: {} };
const defined: SlaPolicyEvent = { type: 'PolicyDefined', data: { policyId, tenantId, version: 1, ...definition, at } };
const retired: SlaPolicyEvent = { type: 'PolicyRetired', data: { at } };
const activeCalendar = { id: calendarId, status: 'active' } as const;

const policy = suite('SLA policy');
const policies = deciderSpec(slaPolicyDecider);
const define = (command: Partial<Extract<SlaPolicyCommand, { type: 'DefinePolicy' }>>) =>
  policies.given([]).when({ type: 'DefinePolicy', policyId, tenantId, name: 'Standard', calendar: activeCalendar, scope: {}, targets, now, ...command });
const pathsOf = (error: unknown): string[] => (error as ValidationError).errors.map((problem) => problem.path);

policy('defines version 1; no scope is the tenant default, warnings at 0.8, nothing escalates', () => {
  define({ name: ' Standard ' }).then([defined]);
});

policy('defines a narrowed policy with escalations, each step as given and duplicates dropped', () => {
  define({
    scope: { ticketType: 'incident', category: { id: categoryId, found: true }, service: { id: serviceId, found: true } },
    warningShare: 0.75,
    escalation: {
      onWarning: { notify: [{ id: managerId, found: true }, { id: managerId, found: true }] },
      onBreach: { notify: [{ id: leadId, found: true }], reassignTeam: { id: teamId, found: true } },
    },
  }).then([
    {
      type: 'PolicyDefined',
      data: {
        policyId,
        tenantId,
        version: 1,
        ...definition,
        scope: { ticketType: 'incident', categoryId, serviceId },
        warningShare: 0.75,
        escalation: { onWarning: { notifyUserIds: [managerId] }, onBreach: { notifyUserIds: [leadId], reassignTeamId: teamId } },
        at,
      },
    },
  ]);
});

policy('a step that does nothing is left out', () => {
  define({ escalation: { onWarning: { notify: [] }, onBreach: {} } }).then([defined]);
});

policy('rejects targets that are not whole positive minutes, or put the first response after the resolution', () => {
  const error = define({
    targets: { ...targets, P1: { firstResponseMinutes: 0, resolutionMinutes: 240 }, P2: { firstResponseMinutes: 30.5, resolutionMinutes: 480 }, P3: { firstResponseMinutes: 2000, resolutionMinutes: 1440 } },
  }).thenThrows(ValidationError);
  assert.equal(pathsOf(error), ['/targets/P1/firstResponseMinutes', '/targets/P2/firstResponseMinutes', '/targets/P3']);
});

policy('reports every problem at once: calendar, scope, share, escalation', () => {
  const error = define({
    calendar: { id: calendarId, status: 'retired' },
    scope: { category: { id: categoryId, found: false }, service: { id: serviceId, found: false } },
    warningShare: 1,
    escalation: { onWarning: { notify: [{ id: managerId, found: true }, { id: leadId, found: false }] }, onBreach: { reassignTeam: { id: teamId, found: false } } },
  }).thenThrows(ValidationError);
  assert.equal(pathsOf(error), ['/calendarId', '/scope/categoryId', '/scope/serviceId', '/warningShare', '/escalation/onWarning/notifyUserIds/1', '/escalation/onBreach/reassignTeamId']);
  assert.equal(pathsOf(define({ calendar: { id: calendarId, status: 'none' } }).thenThrows(ValidationError)), ['/calendarId']);
  assert.equal(pathsOf(define({ warningShare: 0 }).thenThrows(ValidationError)), ['/warningShare']);
});

policy('rejects an empty name, and defining twice', () => {
  define({ name: ' ' }).thenThrows(ValidationError, /name/);
  policies.given([defined]).when({ type: 'DefinePolicy', policyId, tenantId, name: 'Again', calendar: activeCalendar, scope: {}, targets, now }).thenThrows(IllegalStateError);
});

policy('a revision replaces the fields given and is the next version; the versions before it stay', () => {
  const tighter: PolicyTargets = { ...targets, P1: { firstResponseMinutes: 10, resolutionMinutes: 120 } };
  const revised: SlaPolicyEvent = { type: 'PolicyRevised', data: { version: 2, ...definition, targets: tighter, scope: { ticketType: 'incident' }, at } };
  policies.given([defined]).when({ type: 'RevisePolicy', targets: tighter, scope: { ticketType: 'incident' }, now }).then([revised]);
  const state = [defined, revised].reduce(slaPolicyDecider.evolve, slaPolicyDecider.initialState());
  assert.ok(state.status === 'active');
  assert.is(state.version, 2);
  assert.equal(state.versions[1], definition);
  assert.equal(state.versions[2]?.targets.P1, { firstResponseMinutes: 10, resolutionMinutes: 120 });
});

policy('restating the current definition records nothing', () => {
  policies.given([defined]).when({ type: 'RevisePolicy', name: 'Standard', targets, warningShare: 0.8, escalation: {}, now }).then([]);
});

policy('restating what the policy already names needs no look-up, even if it was retired or deactivated since', () => {
  const escalating: SlaPolicyEvent = { type: 'PolicyDefined', data: { policyId, tenantId, version: 1, ...definition, escalation: { onBreach: { notifyUserIds: [managerId] } }, at } };
  policies
    .given([escalating])
    .when({ type: 'RevisePolicy', calendar: { id: calendarId, status: 'retired' }, escalation: { onBreach: { notify: [{ id: managerId, found: false }] } }, warningShare: 0.9, now })
    .then([{ type: 'PolicyRevised', data: { version: 2, ...definition, escalation: { onBreach: { notifyUserIds: [managerId] } }, warningShare: 0.9, at } }]);
  policies.given([defined]).when({ type: 'RevisePolicy', calendar: { id: otherCalendarId, status: 'retired' }, now }).thenThrows(ValidationError, /policy/);
  policies
    .given([defined])
    .when({ type: 'RevisePolicy', calendar: { id: otherCalendarId, status: 'active' }, now })
    .then([{ type: 'PolicyRevised', data: { version: 2, ...definition, calendarId: otherCalendarId, at } }]);
});

policy('a revision of a superseded version is refused as stale', () => {
  const revised: SlaPolicyEvent = { type: 'PolicyRevised', data: { version: 2, ...definition, name: 'Standard v2', at } };
  const stale = policies.given([defined, revised]).when({ type: 'RevisePolicy', name: 'Late edit', basedOn: 1, now }).thenThrows(ConcurrencyError) as ConcurrencyError;
  assert.is(stale.currentVersion, 2);
  policies.given([defined, revised]).when({ type: 'RetirePolicy', basedOn: 1, now }).thenThrows(ConcurrencyError);
  policies.given([defined, revised]).when({ type: 'RetirePolicy', basedOn: 2, now }).then([retired]);
});

policy('retires once; a retired policy is not revised; one that does not exist is not changed', () => {
  policies.given([defined]).when({ type: 'RetirePolicy', now }).then([retired]);
  policies.given([defined, retired]).when({ type: 'RetirePolicy', now }).then([]);
  policies.given([defined, retired]).when({ type: 'RevisePolicy', name: 'Revived', now }).thenThrows(IllegalStateError, /retired/);
  policies.given([]).when({ type: 'RevisePolicy', name: 'Ghost', now }).thenThrows(IllegalStateError, /does not exist/);
});

policy.run();

const selection = suite('selectPolicy');
/** Defined in the order of their ids unless told otherwise. */
const candidate = (id: string, scope: PolicyScope, definedOrder = BigInt(id)): PolicyCandidate => ({ id: `00000000-0000-4000-8000-${id.padStart(12, '0')}`, version: 1, scope, retired: false, definedOrder });
const fallback = candidate('1', {});
const incidents = candidate('2', { ticketType: 'incident' });
const hardware = candidate('3', { categoryId });
const email = candidate('4', { serviceId });
const emailIncidents = candidate('5', { serviceId, ticketType: 'incident' });
const hardwareIncidents = candidate('6', { categoryId, ticketType: 'incident' });
const ticket = { type: 'incident', categoryId, serviceId } as const;

selection('null when no policy covers the ticket', () => {
  assert.is(selectPolicy([], ticket), null);
  assert.is(selectPolicy([candidate('7', { ticketType: 'change' })], ticket), null);
});

selection('the default applies when nothing narrower covers the ticket', () => {
  assert.is(selectPolicy([fallback, candidate('7', { ticketType: 'change' })], ticket), fallback);
  assert.is(selectPolicy([fallback, hardware, email], { type: 'problem', categoryId: null, serviceId: null }), fallback);
});

selection('service beats category beats type beats none, in whatever order they come', () => {
  const all = [fallback, incidents, hardware, email];
  for (const order of [all, [...all].reverse(), [hardware, email, fallback, incidents]]) assert.is(selectPolicy(order, ticket), email);
  assert.is(selectPolicy([fallback, incidents, hardware], ticket), hardware);
  assert.is(selectPolicy([fallback, incidents], ticket), incidents);
});

selection('more conditions win within a rank, but never over a higher rank', () => {
  assert.is(selectPolicy([email, emailIncidents, hardwareIncidents], ticket), emailIncidents);
  assert.is(selectPolicy([hardwareIncidents, email], ticket), email, 'category and type together do not outrank the service');
  assert.is(selectPolicy([hardware, hardwareIncidents], ticket), hardwareIncidents);
});

selection('a policy covers only tickets matching every condition it names', () => {
  assert.is(selectPolicy([emailIncidents, fallback], { ...ticket, type: 'service_request' }), fallback);
  assert.is(selectPolicy([hardware, fallback], { ...ticket, categoryId: null }), fallback);
});

selection('of equally specific policies the one defined last wins, in whatever order they are listed', () => {
  const earlier = candidate('8', { serviceId });
  const later = candidate('9', { serviceId });
  assert.is(selectPolicy([later, earlier], ticket), later);
  assert.is(selectPolicy([earlier, later], ticket), later);
  const starter = candidate('11', {}, 1n);
  const own = candidate('10', {}, 2n);
  assert.is(selectPolicy([starter, own], { type: 'problem', categoryId: null, serviceId: null }), own, 'a tenant-wide policy defined after signup takes over');
});

selection('policies defined at the same place in the log are told apart by id', () => {
  const first = candidate('8', { serviceId }, 5n);
  const second = candidate('9', { serviceId }, 5n);
  assert.is(selectPolicy([second, first], ticket), first);
  assert.is(selectPolicy([first, second], ticket), first);
});

selection.run();
