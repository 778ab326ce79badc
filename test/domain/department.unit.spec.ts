import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import type { DepartmentEvent } from '../../src/domain/identity/index.js';
import { departmentDecider } from '../../src/domain/identity/index.js';
import { deciderSpec } from '../support/decider-spec.js';

/** A department: a named group of a tenant's people with a membership list. */
const test = suite('department');
const spec = deciderSpec(departmentDecider);
const now = new Date('2026-12-07T10:00:00.000Z');
const at = now.toISOString();
const earlier = '2026-12-01T08:00:00.000Z';
const created: DepartmentEvent = { type: 'DepartmentCreated', data: { departmentId: 'dep1', tenantId: 't1', name: 'Finance', description: 'Books and payroll', at: earlier } };
const joined = (userId: string): DepartmentEvent => ({ type: 'DepartmentMemberAdded', data: { userId, at: earlier } });
const left = (userId: string): DepartmentEvent => ({ type: 'DepartmentMemberRemoved', data: { userId, at: earlier } });

test('given no department, when created, then DepartmentCreated carries the trimmed name and description', () => {
  spec
    .given([])
    .when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: '  Finance  ', description: ' Books and payroll ', now })
    .then([{ type: 'DepartmentCreated', data: { departmentId: 'dep1', tenantId: 't1', name: 'Finance', description: 'Books and payroll', at } }]);
});

test('given no department, when created without a description, then the description is empty', () => {
  spec.given([]).when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: 'Finance', now }).then([{ type: 'DepartmentCreated', data: { departmentId: 'dep1', tenantId: 't1', name: 'Finance', description: '', at } }]);
});

test('given a department, when created again, then refused as already existing', () => {
  spec.given([created]).when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: 'Finance', now }).thenThrows(IllegalStateError, /the department already exists/);
});

test('given no department, when created with a blank or over-long name, then refused with the name at fault', () => {
  const error = spec.given([]).when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: '   ', now }).thenThrows(ValidationError, /invalid name/);
  assert.equal((error as ValidationError).errors, [{ path: '/name', message: 'between 1 and 120 characters' }]);
  spec.given([]).when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: 'n'.repeat(121), now }).thenThrows(ValidationError, /invalid name/);
});

test('given no department, when the name is 120 characters once trimmed, then it is accepted', () => {
  const name = 'n'.repeat(120);
  spec.given([]).when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: `  ${name}  `, now }).then([{ type: 'DepartmentCreated', data: { departmentId: 'dep1', tenantId: 't1', name, description: '', at } }]);
});

test('given no department, when the description is over 2000 characters, then refused; at 2000, accepted', () => {
  const error = spec.given([]).when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: 'Finance', description: 'd'.repeat(2001), now }).thenThrows(ValidationError, /invalid description/);
  assert.equal((error as ValidationError).errors, [{ path: '/description', message: 'at most 2000 characters' }]);
  const description = 'd'.repeat(2000);
  spec.given([]).when({ type: 'Create', groupId: 'dep1', tenantId: 't1', name: 'Finance', description, now }).then([{ type: 'DepartmentCreated', data: { departmentId: 'dep1', tenantId: 't1', name: 'Finance', description, at } }]);
});

test('given no department, when updated or its members changed, then refused as not existing', () => {
  spec.given([]).when({ type: 'Update', name: 'Finance', now }).thenThrows(IllegalStateError, /the department does not exist/);
  spec.given([]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).thenThrows(IllegalStateError, /the department does not exist/);
  spec.given([]).when({ type: 'RemoveMember', userId: 'u1', now }).thenThrows(IllegalStateError, /the department does not exist/);
});

test('given a department, when only the name is updated, then DepartmentUpdated keeps the description', () => {
  spec.given([created]).when({ type: 'Update', name: ' Finance and Legal ', now }).then([{ type: 'DepartmentUpdated', data: { name: 'Finance and Legal', description: 'Books and payroll', at } }]);
});

test('given a department, when only the description is updated, then DepartmentUpdated keeps the name; an empty one clears it', () => {
  spec.given([created]).when({ type: 'Update', description: 'Audits too', now }).then([{ type: 'DepartmentUpdated', data: { name: 'Finance', description: 'Audits too', at } }]);
  spec.given([created]).when({ type: 'Update', description: '  ', now }).then([{ type: 'DepartmentUpdated', data: { name: 'Finance', description: '', at } }]);
});

test('given a department, when updated to what it already has or with nothing, then nothing is recorded', () => {
  spec.given([created]).when({ type: 'Update', name: '  Finance ', description: 'Books and payroll', now }).then([]);
  spec.given([created]).when({ type: 'Update', now }).then([]);
});

test('given a renamed department, when renamed to its new name, then nothing is recorded; to its old name, recorded', () => {
  const renamed: DepartmentEvent = { type: 'DepartmentUpdated', data: { name: 'Finance and Legal', description: 'Books and payroll', at: earlier } };
  spec.given([created, renamed]).when({ type: 'Update', name: 'Finance and Legal', now }).then([]);
  spec.given([created, renamed]).when({ type: 'Update', name: 'Finance', now }).then([{ type: 'DepartmentUpdated', data: { name: 'Finance', description: 'Books and payroll', at } }]);
});

test('given a department, when updated with a blank name or an over-long description, then refused', () => {
  spec.given([created]).when({ type: 'Update', name: ' ', now }).thenThrows(ValidationError, /invalid name/);
  spec.given([created]).when({ type: 'Update', description: 'd'.repeat(2001), now }).thenThrows(ValidationError, /invalid description/);
});

test('given a department, when an active user is added, then DepartmentMemberAdded', () => {
  spec.given([created]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).then([{ type: 'DepartmentMemberAdded', data: { userId: 'u1', at } }]);
});

test('given a department, when a user who is not an active user of the tenant is added, then refused with the user id at fault', () => {
  const error = spec.given([created]).when({ type: 'AddMember', userId: 'ghost', memberIsActiveUser: false, now }).thenThrows(ValidationError, /only active users of the tenant can join a department/);
  assert.equal((error as ValidationError).errors, [{ path: '/userId', message: 'no active user with this id' }]);
});

test('given a member, when added again, then nothing is recorded, even once no longer an active user', () => {
  spec.given([created, joined('u1')]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).then([]);
  spec.given([created, joined('u1')]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: false, now }).then([]);
});

test('given a member, when removed, then DepartmentMemberRemoved; a user who is not a member, nothing is recorded', () => {
  spec.given([created, joined('u1')]).when({ type: 'RemoveMember', userId: 'u1', now }).then([{ type: 'DepartmentMemberRemoved', data: { userId: 'u1', at } }]);
  spec.given([created, joined('u1')]).when({ type: 'RemoveMember', userId: 'u2', now }).then([]);
});

test('given a member who left, when removed again, then nothing is recorded; when added back, DepartmentMemberAdded', () => {
  spec.given([created, joined('u1'), left('u1')]).when({ type: 'RemoveMember', userId: 'u1', now }).then([]);
  spec.given([created, joined('u1'), left('u1')]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).then([{ type: 'DepartmentMemberAdded', data: { userId: 'u1', at } }]);
});

test('given a department with members joining and leaving, then the state lists those who remain, in joining order', () => {
  const state = [created, joined('u1'), joined('u2'), joined('u3'), left('u2')].reduce(departmentDecider.evolve, departmentDecider.initialState());
  assert.equal(state, { status: 'active', id: 'dep1', tenantId: 't1', name: 'Finance', description: 'Books and payroll', members: ['u1', 'u3'] });
});

test.run();
