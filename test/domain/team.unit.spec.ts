import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import type { TeamEvent } from '../../src/domain/identity/index.js';
import { teamDecider } from '../../src/domain/identity/index.js';
import { deciderSpec } from '../support/decider-spec.js';

/** A team: a named group of a tenant's people with a membership list. */
const test = suite('team');
const spec = deciderSpec(teamDecider);
const now = new Date('2026-12-07T10:00:00.000Z');
const at = now.toISOString();
const earlier = '2026-12-01T08:00:00.000Z';
const created: TeamEvent = { type: 'TeamCreated', data: { teamId: 'team1', tenantId: 't1', name: 'Network', description: 'Switches and links', at: earlier } };
const joined = (userId: string): TeamEvent => ({ type: 'TeamMemberAdded', data: { userId, at: earlier } });
const left = (userId: string): TeamEvent => ({ type: 'TeamMemberRemoved', data: { userId, at: earlier } });

test('given no team, when created, then TeamCreated carries the trimmed name and description', () => {
  spec
    .given([])
    .when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: '  Network  ', description: ' Switches and links ', now })
    .then([{ type: 'TeamCreated', data: { teamId: 'team1', tenantId: 't1', name: 'Network', description: 'Switches and links', at } }]);
});

test('given no team, when created without a description, then the description is empty', () => {
  spec.given([]).when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: 'Network', now }).then([{ type: 'TeamCreated', data: { teamId: 'team1', tenantId: 't1', name: 'Network', description: '', at } }]);
});

test('given a team, when created again, then refused as already existing', () => {
  spec.given([created]).when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: 'Network', now }).thenThrows(IllegalStateError, /the team already exists/);
});

test('given no team, when created with a blank or over-long name, then refused with the name at fault', () => {
  const error = spec.given([]).when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: '   ', now }).thenThrows(ValidationError, /invalid name/);
  assert.equal((error as ValidationError).errors, [{ path: '/name', message: 'between 1 and 120 characters' }]);
  spec.given([]).when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: 'n'.repeat(121), now }).thenThrows(ValidationError, /invalid name/);
});

test('given no team, when the name is 120 characters once trimmed, then it is accepted', () => {
  const name = 'n'.repeat(120);
  spec.given([]).when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: `  ${name}  `, now }).then([{ type: 'TeamCreated', data: { teamId: 'team1', tenantId: 't1', name, description: '', at } }]);
});

test('given no team, when the description is over 2000 characters, then refused; at 2000, accepted', () => {
  const error = spec.given([]).when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: 'Network', description: 'd'.repeat(2001), now }).thenThrows(ValidationError, /invalid description/);
  assert.equal((error as ValidationError).errors, [{ path: '/description', message: 'at most 2000 characters' }]);
  const description = 'd'.repeat(2000);
  spec.given([]).when({ type: 'Create', groupId: 'team1', tenantId: 't1', name: 'Network', description, now }).then([{ type: 'TeamCreated', data: { teamId: 'team1', tenantId: 't1', name: 'Network', description, at } }]);
});

test('given no team, when updated or its members changed, then refused as not existing', () => {
  spec.given([]).when({ type: 'Update', name: 'Network', now }).thenThrows(IllegalStateError, /the team does not exist/);
  spec.given([]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).thenThrows(IllegalStateError, /the team does not exist/);
  spec.given([]).when({ type: 'RemoveMember', userId: 'u1', now }).thenThrows(IllegalStateError, /the team does not exist/);
});

test('given a team, when only the name is updated, then TeamUpdated keeps the description', () => {
  spec.given([created]).when({ type: 'Update', name: ' Networking ', now }).then([{ type: 'TeamUpdated', data: { name: 'Networking', description: 'Switches and links', at } }]);
});

test('given a team, when only the description is updated, then TeamUpdated keeps the name; an empty one clears it', () => {
  spec.given([created]).when({ type: 'Update', description: 'Routers too', now }).then([{ type: 'TeamUpdated', data: { name: 'Network', description: 'Routers too', at } }]);
  spec.given([created]).when({ type: 'Update', description: '  ', now }).then([{ type: 'TeamUpdated', data: { name: 'Network', description: '', at } }]);
});

test('given a team, when updated to what it already has or with nothing, then nothing is recorded', () => {
  spec.given([created]).when({ type: 'Update', name: '  Network ', description: 'Switches and links', now }).then([]);
  spec.given([created]).when({ type: 'Update', now }).then([]);
});

test('given a renamed team, when renamed to its new name, then nothing is recorded; to its old name, recorded', () => {
  const renamed: TeamEvent = { type: 'TeamUpdated', data: { name: 'Networking', description: 'Switches and links', at: earlier } };
  spec.given([created, renamed]).when({ type: 'Update', name: 'Networking', now }).then([]);
  spec.given([created, renamed]).when({ type: 'Update', name: 'Network', now }).then([{ type: 'TeamUpdated', data: { name: 'Network', description: 'Switches and links', at } }]);
});

test('given a team, when updated with a blank name or an over-long description, then refused', () => {
  spec.given([created]).when({ type: 'Update', name: ' ', now }).thenThrows(ValidationError, /invalid name/);
  spec.given([created]).when({ type: 'Update', description: 'd'.repeat(2001), now }).thenThrows(ValidationError, /invalid description/);
});

test('given a team, when an active user is added, then TeamMemberAdded', () => {
  spec.given([created]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).then([{ type: 'TeamMemberAdded', data: { userId: 'u1', at } }]);
});

test('given a team, when a user who is not an active user of the tenant is added, then refused with the user id at fault', () => {
  const error = spec.given([created]).when({ type: 'AddMember', userId: 'ghost', memberIsActiveUser: false, now }).thenThrows(ValidationError, /only active users of the tenant can join a team/);
  assert.equal((error as ValidationError).errors, [{ path: '/userId', message: 'no active user with this id' }]);
});

test('given a member, when added again, then nothing is recorded, even once no longer an active user', () => {
  spec.given([created, joined('u1')]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).then([]);
  spec.given([created, joined('u1')]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: false, now }).then([]);
});

test('given a member, when removed, then TeamMemberRemoved; a user who is not a member, nothing is recorded', () => {
  spec.given([created, joined('u1')]).when({ type: 'RemoveMember', userId: 'u1', now }).then([{ type: 'TeamMemberRemoved', data: { userId: 'u1', at } }]);
  spec.given([created, joined('u1')]).when({ type: 'RemoveMember', userId: 'u2', now }).then([]);
});

test('given a member who left, when removed again, then nothing is recorded; when added back, TeamMemberAdded', () => {
  spec.given([created, joined('u1'), left('u1')]).when({ type: 'RemoveMember', userId: 'u1', now }).then([]);
  spec.given([created, joined('u1'), left('u1')]).when({ type: 'AddMember', userId: 'u1', memberIsActiveUser: true, now }).then([{ type: 'TeamMemberAdded', data: { userId: 'u1', at } }]);
});

test('given a team with members joining and leaving, then the state lists those who remain, in joining order', () => {
  const state = [created, joined('u1'), joined('u2'), joined('u3'), left('u2')].reduce(teamDecider.evolve, teamDecider.initialState());
  assert.equal(state, { status: 'active', id: 'team1', tenantId: 't1', name: 'Network', description: 'Switches and links', members: ['u1', 'u3'] });
});

test.run();
