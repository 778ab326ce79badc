import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import type { CategoryEvent, ParentCategory, ServiceEvent } from '../../src/domain/catalog/index.js';
import { categoryDecider, requireAnswers, serviceDecider } from '../../src/domain/catalog/index.js';
import type { JsonObject, JsonValue } from '../../src/eventstore/types.js';
import type { PolicyCandidate, PolicyScope } from '../../src/domain/sla/index.js';
import { selectPolicy } from '../../src/domain/sla/index.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at as ticketAt, opened, openTicket } from '../support/ticket-events.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const at = now.toISOString();
const tenantId = '7f1c2d6e-0000-4000-8000-000000000001';
const categoryId = '7f1c2d6e-0000-4000-8000-0000000000c1';
const topId = '7f1c2d6e-0000-4000-8000-0000000000c2';
const otherTopId = '7f1c2d6e-0000-4000-8000-0000000000c3';
const teamId = '7f1c2d6e-0000-4000-8000-0000000000f1';
const serviceId = '7f1c2d6e-0000-4000-8000-0000000000e1';

const top = (id: string): ParentCategory => ({ id, found: true, parentId: null, active: true });
const created = (parentId: string | null = null): CategoryEvent => ({ type: 'CategoryCreated', data: { categoryId, tenantId, name: 'Hardware', description: '', parentId, at } });
const deactivated: CategoryEvent = { type: 'CategoryDeactivated', data: { at } };

const category = suite('category');
const categories = deciderSpec(categoryDecider);

category('creates a top-level category with a trimmed name', () => {
  categories.given([]).when({ type: 'CreateCategory', categoryId, tenantId, name: '  Hardware ', parent: null, now }).then([created()]);
});

category('creates a subcategory under an active top-level category', () => {
  categories.given([]).when({ type: 'CreateCategory', categoryId, tenantId, name: 'Hardware', parent: top(topId), now }).then([created(topId)]);
});

category('rejects an empty or overlong name', () => {
  categories.given([]).when({ type: 'CreateCategory', categoryId, tenantId, name: '   ', parent: null, now }).thenThrows(ValidationError);
  categories.given([]).when({ type: 'CreateCategory', categoryId, tenantId, name: 'x'.repeat(121), parent: null, now }).thenThrows(ValidationError);
});

category('rejects a parent that is not a category of the tenant, is retired, or is itself a subcategory', () => {
  const create = (parent: ParentCategory) => categories.given([]).when({ type: 'CreateCategory', categoryId, tenantId, name: 'Laptops', parent, now });
  create({ id: topId, found: false }).thenThrows(ValidationError, /parent/);
  create({ id: topId, found: true, parentId: null, active: false }).thenThrows(ValidationError, /parent/);
  create({ id: topId, found: true, parentId: otherTopId, active: true }).thenThrows(ValidationError, /parent/);
});

category('rejects creating twice', () => {
  categories.given([created()]).when({ type: 'CreateCategory', categoryId, tenantId, name: 'Hardware', parent: null, now }).thenThrows(IllegalStateError);
});

category('renames, and a change to nothing records nothing', () => {
  categories.given([created()]).when({ type: 'UpdateCategory', name: 'Devices', now }).then([{ type: 'CategoryUpdated', data: { name: 'Devices', description: '', parentId: null, at } }]);
  categories.given([created()]).when({ type: 'UpdateCategory', name: 'Hardware', description: '', now }).then([]);
});

category('moves under another top-level category, and back to the top', () => {
  categories
    .given([created()])
    .when({ type: 'UpdateCategory', move: { parent: top(topId), hasSubcategories: false }, now })
    .then([{ type: 'CategoryUpdated', data: { name: 'Hardware', description: '', parentId: topId, at } }]);
  categories
    .given([created(topId)])
    .when({ type: 'UpdateCategory', move: { parent: null, hasSubcategories: false }, now })
    .then([{ type: 'CategoryUpdated', data: { name: 'Hardware', description: '', parentId: null, at } }]);
});

category('refuses cycles: not under itself, not under one of its subcategories', () => {
  categories.given([created()]).when({ type: 'UpdateCategory', move: { parent: top(categoryId), hasSubcategories: false }, now }).thenThrows(ValidationError, /parent/);
  // Its subcategory is not top-level, and a category with subcategories stays top-level.
  categories
    .given([created()])
    .when({ type: 'UpdateCategory', move: { parent: { id: otherTopId, found: true, parentId: categoryId, active: true }, hasSubcategories: true }, now })
    .thenThrows(ValidationError, /parent/);
  categories.given([created()]).when({ type: 'UpdateCategory', move: { parent: top(otherTopId), hasSubcategories: true }, now }).thenThrows(ValidationError, /parent/);
});

category('restating the current parent is no move, even if that parent was retired since', () => {
  categories.given([created(topId)]).when({ type: 'UpdateCategory', move: { parent: { id: topId, found: true, parentId: null, active: false }, hasSubcategories: false }, now }).then([]);
});

category('deactivates and reactivates, each only once', () => {
  categories.given([created()]).when({ type: 'DeactivateCategory', now }).then([deactivated]);
  categories.given([created(), deactivated]).when({ type: 'DeactivateCategory', now }).then([]);
  categories.given([created(), deactivated]).when({ type: 'ReactivateCategory', now }).then([{ type: 'CategoryReactivated', data: { at } }]);
  categories.given([created()]).when({ type: 'ReactivateCategory', now }).then([]);
});

category('a retired category can still be renamed', () => {
  categories.given([created(), deactivated]).when({ type: 'UpdateCategory', name: 'Old hardware', now }).then([{ type: 'CategoryUpdated', data: { name: 'Old hardware', description: '', parentId: null, at } }]);
});

category('cannot change a category that does not exist', () => {
  categories.given([]).when({ type: 'UpdateCategory', name: 'X', now }).thenThrows(IllegalStateError);
  categories.given([]).when({ type: 'DeactivateCategory', now }).thenThrows(IllegalStateError);
});

category.run();

const service = suite('service');
const services = deciderSpec(serviceDecider);
/** As written before services had an SLA policy and a request form: those fields are absent. */
const serviceCreated = (ownerTeamId: string | null = null): ServiceEvent => ({
  type: 'ServiceCreated',
  data: { serviceId, tenantId, name: 'Email', description: 'Mail for everyone', ownerTeamId, criticality: 'high', at },
});
/** As written now: every field present. */
const serviceCreatedWith = (fields: { ownerTeamId?: string | null; slaPolicyId?: string | null; requestForm?: JsonObject | null } = {}): ServiceEvent => ({
  type: 'ServiceCreated',
  data: { serviceId, tenantId, name: 'Email', description: 'Mail for everyone', ownerTeamId: null, criticality: 'high', slaPolicyId: null, requestForm: null, at, ...fields },
});
const updatedWith = (fields: Record<string, JsonValue>): ServiceEvent => ({
  type: 'ServiceUpdated',
  data: { name: 'Email', description: 'Mail for everyone', ownerTeamId: null, criticality: 'high', slaPolicyId: null, requestForm: null, at, ...fields },
});

service('creates a service owned by a team of the tenant', () => {
  services
    .given([])
    .when({ type: 'CreateService', serviceId, tenantId, name: ' Email ', description: 'Mail for everyone ', ownerTeam: { id: teamId, found: true }, criticality: 'high', now })
    .then([serviceCreatedWith({ ownerTeamId: teamId })]);
});

service('rejects an owner team that is not found in the tenant', () => {
  services.given([]).when({ type: 'CreateService', serviceId, tenantId, name: 'Email', ownerTeam: { id: teamId, found: false }, criticality: 'low', now }).thenThrows(ValidationError, /owner team/);
  services.given([serviceCreated()]).when({ type: 'UpdateService', ownerTeam: { id: teamId, found: false }, now }).thenThrows(ValidationError, /owner team/);
});

service('changes criticality and owner; takes the owner away with null', () => {
  services
    .given([serviceCreated()])
    .when({ type: 'UpdateService', criticality: 'low', ownerTeam: { id: teamId, found: true }, now })
    .then([updatedWith({ ownerTeamId: teamId, criticality: 'low' })]);
  services
    .given([serviceCreated(teamId)])
    .when({ type: 'UpdateService', ownerTeam: null, now })
    .then([updatedWith({ ownerTeamId: null })]);
  services.given([serviceCreated(teamId)]).when({ type: 'UpdateService', criticality: 'high', ownerTeam: { id: teamId, found: true }, now }).then([]);
});

service('deactivates and reactivates, each only once', () => {
  const retired: ServiceEvent = { type: 'ServiceDeactivated', data: { at } };
  services.given([serviceCreated()]).when({ type: 'DeactivateService', now }).then([retired]);
  services.given([serviceCreated(), retired]).when({ type: 'DeactivateService', now }).then([]);
  services.given([serviceCreated(), retired]).when({ type: 'ReactivateService', now }).then([{ type: 'ServiceReactivated', data: { at } }]);
});

service('rejects creating twice and changing one that does not exist', () => {
  services.given([serviceCreated()]).when({ type: 'CreateService', serviceId, tenantId, name: 'Email', ownerTeam: null, criticality: 'low', now }).thenThrows(IllegalStateError);
  services.given([]).when({ type: 'ReactivateService', now }).thenThrows(IllegalStateError);
});


const policyId = '7f1c2d6e-0000-4000-8000-0000000000d1';
const laptopForm: JsonObject = {
  type: 'object',
  properties: { model: { type: 'string', enum: ['13-inch', '15-inch'] }, neededBy: { type: 'string', format: 'date' } },
  required: ['model'],
  additionalProperties: false,
};

service('names an SLA policy in force; refuses one not found in force in the tenant', () => {
  services
    .given([])
    .when({ type: 'CreateService', serviceId, tenantId, name: 'Email', description: 'Mail for everyone', ownerTeam: null, slaPolicy: { id: policyId, found: true }, criticality: 'high', now })
    .then([serviceCreatedWith({ slaPolicyId: policyId })]);
  const error = services.given([]).when({ type: 'CreateService', serviceId, tenantId, name: 'Email', ownerTeam: null, slaPolicy: { id: policyId, found: false }, criticality: 'high', now }).thenThrows(ValidationError) as ValidationError;
  assert.equal(error.errors.map((e) => e.path), ['/slaPolicyId']);
});

service('keeps its SLA policy without a look-up, takes it away with null, and reads old events as having none', () => {
  const withPolicy = serviceCreatedWith({ slaPolicyId: policyId });
  // Restating the policy holds even if it was retired since (found: false): nothing changes.
  services.given([withPolicy]).when({ type: 'UpdateService', slaPolicy: { id: policyId, found: false }, now }).then([]);
  services.given([withPolicy]).when({ type: 'UpdateService', slaPolicy: null, now }).then([updatedWith({ slaPolicyId: null })]);
  services.given([serviceCreated()]).when({ type: 'UpdateService', slaPolicy: { id: policyId, found: true }, now }).then([updatedWith({ slaPolicyId: policyId })]);
  const state = serviceDecider.evolve(serviceDecider.initialState(), serviceCreated());
  assert.equal(state.status !== 'none' ? [state.slaPolicyId, state.requestForm] : 'none', [null, null]);
});

service('stores a request form that is a bounded object schema, and removes it with null', () => {
  services
    .given([])
    .when({ type: 'CreateService', serviceId, tenantId, name: 'Email', description: 'Mail for everyone', ownerTeam: null, criticality: 'high', requestForm: laptopForm, now })
    .then([serviceCreatedWith({ requestForm: laptopForm })]);
  services.given([serviceCreatedWith({ requestForm: laptopForm })]).when({ type: 'UpdateService', requestForm: laptopForm, now }).then([]);
  services.given([serviceCreatedWith({ requestForm: laptopForm })]).when({ type: 'UpdateService', requestForm: null, now }).then([updatedWith({ requestForm: null })]);
  const draft7: JsonObject = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'integer', minimum: 1 } } };
  services.given([serviceCreated()]).when({ type: 'UpdateService', requestForm: draft7, now }).then([updatedWith({ requestForm: draft7 })]);
});

const formProblems = (form: JsonObject): string[] => {
  const error = services.given([serviceCreated()]).when({ type: 'UpdateService', requestForm: form, now }).thenThrows(ValidationError) as ValidationError;
  return error.errors.map((e) => e.path);
};

service('refuses forms outside the sane subset, pointing into /requestForm', () => {
  assert.equal(formProblems({ type: 'array' }), ['/requestForm/type'], 'the top must be an object');
  assert.equal(formProblems({ type: 'object', properties: { a: { $ref: 'https://example.com/schema.json' } } }), ['/requestForm/properties/a/$ref'], 'no remote $ref');
  assert.equal(formProblems({ type: 'object', $id: 'https://example.com/base' }), ['/requestForm/$id'], 'no base URI');
  assert.equal(formProblems({ type: 'object', $schema: 'https://json-schema.org/draft/2019-09/schema' }), ['/requestForm/$schema']);
  assert.equal(formProblems({ type: 'object', properties: { a: { type: 'strnig' } } }).every((path) => path.startsWith('/requestForm/properties/a/type')), true, 'schema errors point at the keyword');
  assert.equal(formProblems({ type: 'object', properties: { a: { type: 'string', colour: 'red' } } }), ['/requestForm'], 'unknown keywords are refused (strict)');
  assert.equal(formProblems({ type: 'object', properties: { a: { type: 'string', format: 'phone' } } }), ['/requestForm'], 'unknown formats are refused');
  let deep: JsonObject = { type: 'string' };
  for (let level = 0; level < 10; level += 1) deep = { type: 'object', properties: { next: deep } };
  assert.ok(formProblems(deep)[0]?.startsWith('/requestForm/properties/next'), 'bounded depth');
  const huge: JsonObject = { type: 'object', properties: Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`field${index}`, { type: 'string' }])) };
  assert.equal(formProblems(huge), ['/requestForm'], 'bounded size');
  // A local reference is fine.
  services
    .given([serviceCreated()])
    .when({ type: 'UpdateService', requestForm: { type: 'object', $defs: { size: { type: 'integer' } }, properties: { a: { $ref: '#/$defs/size' } } }, now })
    .then([updatedWith({ requestForm: { type: 'object', $defs: { size: { type: 'integer' } }, properties: { a: { $ref: '#/$defs/size' } } } })]);
});

const answerProblems = (form: JsonObject | null, answers: JsonObject): string[] => {
  try {
    requireAnswers(form, answers);
  } catch (error) {
    assert.instance(error, ValidationError);
    return (error as ValidationError).errors.map((e) => e.path);
  }
  return [];
};

service('checks answers against the form, with paths into /answers', () => {
  assert.equal(answerProblems(laptopForm, { model: '13-inch', neededBy: '2026-12-01' }), []);
  assert.equal(answerProblems(laptopForm, {}), ['/answers/model']);
  assert.equal(answerProblems(laptopForm, { model: '17-inch' }), ['/answers/model']);
  assert.equal(answerProblems(laptopForm, { model: '13-inch', neededBy: 'soon' }), ['/answers/neededBy']);
  assert.equal(answerProblems(laptopForm, { model: '13-inch', colour: 'red' }), ['/answers/colour']);
});

service('without a form only {} is an answer', () => {
  assert.equal(answerProblems(null, {}), []);
  assert.equal(answerProblems(null, { anything: 1 }), ['/answers']);
});

service.run();

const serviceRequest = suite('service request: answers and the service SLA');
const tickets = deciderSpec(ticketDecider);

serviceRequest('a service request stores answers that fit its service form', () => {
  const base = opened('service_request', { serviceId, at: ticketAt });
  tickets
    .given([])
    .when(openTicket('service_request', { serviceId, requestForm: laptopForm, answers: { model: '15-inch' } }))
    .then([{ ...base, data: { ...base.data, answers: { model: '15-inch' } } }]);
});

serviceRequest('refuses answers that do not fit, and answers for a ticket with nothing to answer', () => {
  const misfit = tickets.given([]).when(openTicket('service_request', { serviceId, requestForm: laptopForm, answers: {} })).thenThrows(ValidationError) as ValidationError;
  assert.equal(misfit.errors.map((e) => e.path), ['/answers/model']);
  // An incident never answers a form, even when its service has one.
  tickets.given([]).when(openTicket('incident', { serviceId, requestForm: laptopForm, answers: { model: '15-inch' } })).thenThrows(ValidationError, /nothing to answer/);
  tickets.given([]).when(openTicket('service_request', { serviceId, requestForm: null, answers: { model: '15-inch' } })).thenThrows(ValidationError, /nothing to answer/);
});

serviceRequest('leaves empty answers out of the event, as events from before answers read', () => {
  tickets.given([]).when(openTicket('service_request', { answers: {} })).then([opened('service_request', { at: ticketAt })]);
});

const candidate = (id: string, scope: PolicyScope): PolicyCandidate => ({ id, version: 1, scope, retired: false, definedOrder: 1n });

serviceRequest('the policy a service names wins over the scope rules while it is in force', () => {
  const byService = candidate('a0000000-0000-4000-8000-000000000001', { serviceId });
  const generic = candidate('b0000000-0000-4000-8000-000000000002', {});
  const ticket = { type: 'service_request' as const, categoryId: null, serviceId };
  assert.is(selectPolicy([byService, generic], ticket)?.id, byService.id, 'without a service policy, the most specific scope');
  assert.is(selectPolicy([byService, generic], ticket, generic.id)?.id, generic.id, "the service's own policy wins");
  assert.is(selectPolicy([byService, generic], ticket, policyId)?.id, byService.id, 'a service policy no longer in force falls back to the rules');
});

serviceRequest.run();
