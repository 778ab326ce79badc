import { suite } from 'uvu';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import type { CategoryEvent, ParentCategory, ServiceEvent } from '../../src/domain/catalog/index.js';
import { categoryDecider, serviceDecider } from '../../src/domain/catalog/index.js';
import { deciderSpec } from '../support/decider-spec.js';

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
const serviceCreated = (ownerTeamId: string | null = null): ServiceEvent => ({
  type: 'ServiceCreated',
  data: { serviceId, tenantId, name: 'Email', description: 'Mail for everyone', ownerTeamId, criticality: 'high', at },
});

service('creates a service owned by a team of the tenant', () => {
  services
    .given([])
    .when({ type: 'CreateService', serviceId, tenantId, name: ' Email ', description: 'Mail for everyone ', ownerTeam: { id: teamId, found: true }, criticality: 'high', now })
    .then([serviceCreated(teamId)]);
});

service('rejects an owner team that is not found in the tenant', () => {
  services.given([]).when({ type: 'CreateService', serviceId, tenantId, name: 'Email', ownerTeam: { id: teamId, found: false }, criticality: 'low', now }).thenThrows(ValidationError, /owner team/);
  services.given([serviceCreated()]).when({ type: 'UpdateService', ownerTeam: { id: teamId, found: false }, now }).thenThrows(ValidationError, /owner team/);
});

service('changes criticality and owner; takes the owner away with null', () => {
  services
    .given([serviceCreated()])
    .when({ type: 'UpdateService', criticality: 'low', ownerTeam: { id: teamId, found: true }, now })
    .then([{ type: 'ServiceUpdated', data: { name: 'Email', description: 'Mail for everyone', ownerTeamId: teamId, criticality: 'low', at } }]);
  services
    .given([serviceCreated(teamId)])
    .when({ type: 'UpdateService', ownerTeam: null, now })
    .then([{ type: 'ServiceUpdated', data: { name: 'Email', description: 'Mail for everyone', ownerTeamId: null, criticality: 'high', at } }]);
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

service.run();
