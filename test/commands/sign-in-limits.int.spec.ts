import { randomBytes } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { countSignInAttempt } from '../../src/commands/identity/sign-in-limits.js';
import { RateLimitedError } from '../../src/domain/errors.js';
import { openVolatileState } from '../../src/volatile/index.js';
import { caught } from '../support/events.js';

const redisUrl = process.env.REDIS_URL ?? null;
const loginLimits = { perAccount: 3, perAddress: 100, windowMs: 60_000 };

if (redisUrl) {
  const test = suite('sign-in limits when Redis is gone');

  test('fall back to the in-process limiter: still limited, never unlimited, never a fresh allowance', async () => {
    const shared = await openVolatileState({ kind: 'redis', url: redisUrl, keyPrefix: `itsm-test-${randomBytes(4).toString('hex')}:` });
    const local = await openVolatileState({ kind: 'memory' });
    const deps = { limiter: shared.rateLimiter, fallbackLimiter: local.rateLimiter, loginLimits };
    await countSignInAttempt(deps, ['account:acme:a@b.example']);
    // The connection goes away: every later call to Redis fails.
    await shared.close();
    // The attempt Redis counted is known here too: two more make the limit of three.
    await countSignInAttempt(deps, ['account:acme:a@b.example']);
    await countSignInAttempt(deps, ['account:acme:a@b.example']);
    const refused = await caught(() => countSignInAttempt(deps, ['account:acme:a@b.example']));
    assert.instance(refused, RateLimitedError);
    await local.close();
  });

  test.run();
} else {
  console.log('SKIPPED: sign-in limiter fallback test needs Redis to take away (REDIS_URL unset)');
}
