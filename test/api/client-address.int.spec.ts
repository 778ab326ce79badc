import { randomBytes } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';

const test = suite('the client address behind trusted proxies');

const PER_MINUTE = 4;
const randomAddress = () => `198.51.100.${randomBytes(1)[0]! % 250}, 203.0.113.${randomBytes(1)[0]! % 250}`;

async function statusesWith(api: RunningApi, forwardedFor: () => string, count: number, path = '/api/v1/nothing-here'): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await call(api.baseUrl, path, { headers: { 'X-Forwarded-For': forwardedFor() } })).status);
  return statuses;
}

test('with one trusted hop, rotating the entries a client writes to X-Forwarded-For does not escape the per-address limit', async () => {
  const api = await startApi({ environment: { TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: String(PER_MINUTE), LOGIN_LIMIT_PER_ADDRESS: '3' } });
  try {
    // The proxy appends what it saw (192.0.2.10); everything to its left is the client's to choose.
    const statuses = await statusesWith(api, () => `${randomAddress()}, 192.0.2.10`, PER_MINUTE + 2);
    assert.equal(statuses, [404, 404, 404, 404, 429, 429]);
    // Another client behind the same proxy is another address.
    assert.is((await call(api.baseUrl, '/api/v1/nothing-here', { headers: { 'X-Forwarded-For': '192.0.2.11' } })).status, 404);
  } finally {
    await api.close();
  }
});

test('with one trusted hop, sign-ins on different accounts from one address hit the per-address limit whatever the leftmost entry', async () => {
  const api = await startApi({ environment: { TRUST_PROXY: 'true', LOGIN_LIMIT_PER_ADDRESS: '3', RATE_LIMIT_PER_MINUTE: '100000' } });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await call(api.baseUrl, '/api/v1/auth/login', { method: 'POST', headers: { 'X-Forwarded-For': `${randomAddress()}, 192.0.2.20` }, json: { tenant: 'some-desk', email: `person-${i}@desk.example`, password: 'not-the-password-at-all' } });
      statuses.push(response.status);
    }
    assert.equal(statuses, [401, 401, 401, 429, 429]);
  } finally {
    await api.close();
  }
});

test('with two trusted hops, the client is the second entry from the right', async () => {
  const api = await startApi({ environment: { TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2', RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) } });
  try {
    // The outer proxy appended the client (192.0.2.30), the inner one the outer proxy (10.0.0.2).
    const same = await statusesWith(api, () => `${randomAddress()}, 192.0.2.30, 10.0.0.2`, PER_MINUTE + 1);
    assert.equal(same, [404, 404, 404, 404, 429]);
    // Clients differ in that entry: each has its own allowance, though the rightmost is the same.
    let n = 0;
    const different = await statusesWith(api, () => `192.0.2.${(n += 1) + 100}, 10.0.0.2`, PER_MINUTE + 1);
    assert.equal(different, [404, 404, 404, 404, 404]);
  } finally {
    await api.close();
  }
});

test.run();
