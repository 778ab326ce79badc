import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ACTIONS, ROLES, refusal } from '../../src/domain/permissions.js';

const test = suite('refusals in words a person understands');

test('names the role with its article and the action as a service desk says it', () => {
  assert.is(refusal('technician', 'ticket.assign'), 'a technician may not reassign tickets to another team or agent');
  assert.is(refusal('user', 'ticket.commentInternal'), 'a user may not write internal notes on tickets');
  assert.is(refusal('auditor', 'ticket.create'), 'an auditor may not raise tickets');
  assert.is(refusal('admin', 'audit.export'), 'an admin may not export the audit log');
  assert.is(refusal('manager', 'user.forget'), "a manager may not erase a person's personal data");
});

test('no refusal of any role and action shows an action code', () => {
  for (const role of ROLES) {
    for (const action of ACTIONS) {
      const sentence = refusal(role, action);
      assert.not.match(sentence, /[a-z][A-Z]|\.|_/, sentence);
      assert.match(sentence, /^(an admin|a manager|a technician|a user|an auditor) may not [a-z]/, sentence);
    }
  }
});

test.run();
