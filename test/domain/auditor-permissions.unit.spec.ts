import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Action } from '../../src/domain/permissions.js';
import { ACTIONS, can, isAgent } from '../../src/domain/permissions.js';

const test = suite('the auditor in the permission table');

test('an auditor may do nothing a manager may not', () => {
  const beyond = ACTIONS.filter((action) => can('auditor', action) && !can('manager', action));
  assert.equal(beyond, []);
});

test('an auditor reads what agents read, looks back, and reads the reports', () => {
  const reads: Action[] = ['tenant.read', 'user.list', 'user.read', 'team.read', 'department.read', 'catalog.read', 'ticket.readAll', 'ticket.readInternal', 'sla.read', 'article.read', 'article.readAll', 'assetCategory.read', 'asset.read', 'queue.read', 'search.query', 'audit.verify', 'ticket.timeTravel', 'report.read'];
  assert.equal(reads.filter((action) => !can('auditor', action)), []);
});

test('an auditor changes nothing and exports nothing, and is no agent', () => {
  const writes: Action[] = [
    'ticket.create',
    'ticket.contribute',
    'ticket.work',
    'ticket.commentInternal',
    'ticket.assign',
    'ticket.assignSelf',
    'ticket.handOver',
    'ticket.delete',
    'ticket.unmerge',
    'ticket.bulk',
    'article.write',
    'article.feedback',
    'article.publish',
    'asset.write',
    'asset.import',
    'catalog.manage',
    'queue.manage',
    'sla.manage',
    'user.create',
    'user.update',
    'user.changeRole',
    'team.manageMembers',
    'audit.export',
  ];
  assert.equal(writes.filter((action) => can('auditor', action)), []);
  assert.not.ok(isAgent('auditor'));
});

test('everyone else who sees a ticket may still contribute to it and read its internal notes as before', () => {
  assert.equal((['admin', 'manager', 'technician', 'user'] as const).map((role) => can(role, 'ticket.contribute')), [true, true, true, true]);
  assert.equal((['admin', 'manager', 'technician', 'user'] as const).map((role) => can(role, 'ticket.readInternal')), [true, true, true, false]);
  assert.equal((['admin', 'manager', 'technician', 'user'] as const).map((role) => can(role, 'article.feedback')), [true, true, true, true]);
});

test.run();
