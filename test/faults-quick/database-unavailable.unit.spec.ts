import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';

/** Which failures say "the database is out of reach" (503, retry) and which are ours (500). */
const test = suite('database unavailable: telling an outage from a bug');

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

test('connection refused, reset or cut, and a server shutting down or starting up, are outages', () => {
  assert.ok(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')));
  assert.ok(isDatabaseUnavailable(withCode('read ECONNRESET', 'ECONNRESET')));
  assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
  assert.ok(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01')));
  assert.ok(isDatabaseUnavailable(withCode('the database system is starting up', '57P03')));
  assert.ok(isDatabaseUnavailable(withCode('connection failure', '08006')));
  assert.ok(isDatabaseUnavailable(withCode('sorry, too many clients already', '53300')));
});

test('an outage found under a cause or inside an AggregateError is still one', () => {
  assert.ok(isDatabaseUnavailable(new Error('query failed', { cause: withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED') })));
  assert.ok(isDatabaseUnavailable(new AggregateError([withCode('refused', 'ECONNREFUSED'), withCode('refused', 'ECONNREFUSED')], 'connect failed')));
});

test('a wrong statement, a constraint, or anything else is not an outage', () => {
  assert.not.ok(isDatabaseUnavailable(withCode('relation "tickets" does not exist', '42P01')));
  assert.not.ok(isDatabaseUnavailable(withCode('duplicate key value violates unique constraint', '23505')));
  assert.not.ok(isDatabaseUnavailable(new TypeError('cannot read properties of undefined')));
  assert.not.ok(isDatabaseUnavailable('a thrown string'));
  assert.not.ok(isDatabaseUnavailable(null));
});

test('a cause that loops back on itself ends the search', () => {
  const error = new Error('outer') as Error & { cause?: unknown };
  error.cause = error;
  assert.not.ok(isDatabaseUnavailable(error));
});

test.run();
