import type { Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { JsonResponse } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { serverUrl } from '../support/database.js';
import { bearer, signupTenant } from '../support/identity-fixtures.js';

type Readiness = { status: string; checks: Record<string, { ok: boolean; detail?: unknown }> };

const test = suite('observability: readiness and degraded dependencies');

/** A TCP hop to the machine's Redis that the test can cut, as a network partition would. */
async function cuttableRedis(): Promise<{ url: string; cut(): Promise<void> }> {
  const target = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

test('with Redis gone, rate limits fall back to a per-instance cap in memory and the API keeps serving', async () => {
  const redis = await cuttableRedis();
  const api = await startApi({ environment: { REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '3' } });
  try {
    assert.is((await call(api.baseUrl, '/api/v1/nothing')).status, 404, 'served while Redis is up');
    await redis.cut();
    const statuses: number[] = [];
    let last: JsonResponse<Record<string, unknown>> | null = null;
    for (let i = 0; i < 5; i += 1) {
      last = await call(api.baseUrl, '/api/v1/nothing');
      statuses.push(last.status);
    }
    // The memory window starts afresh: three more, then refused.
    assert.equal(statuses, [404, 404, 404, 429, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.is(last!.headers.get('ratelimit-limit'), '3');
    const ready = await call<Readiness>(api.baseUrl, '/readyz');
    // Degraded, not unready: taking every replica out of the load balancer would stop reads too.
    assert.is(ready.status, 200);
    assert.ok(JSON.stringify(ready.body.checks.volatileState?.detail).includes('degraded'));
    assert.is((await call(api.baseUrl, '/healthz')).status, 200, 'still alive');
  } finally {
    await api.close();
  }
});

test('readyz is 503 once a projection lags past READY_MAX_PROJECTION_LAG_SECONDS; healthz stays 200', async () => {
  // The read models fed from the log (search, reporting…) stop; tickets are written with the append.
  const api = await startApi({ environment: { READY_MAX_PROJECTION_LAG_SECONDS: '1', READ_YOUR_WRITES_TIMEOUT_MS: '0' } });
  try {
    const { tokens } = await signupTenant(api.baseUrl, 'Lagging');
    await api.system.projections.catchUp();
    assert.is((await call(api.baseUrl, '/readyz')).status, 200);
    await api.system.projections.stop();
    const opened = await call(api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(tokens.accessToken), json: { type: 'incident', title: 'Nobody projects this yet', impact: 'low', urgency: 'low' } });
    assert.is(opened.status, 201, 'the answer renders from the ticket written inline, with no feed running');
    await sleep(1_500);
    const lagging = await call<Readiness>(api.baseUrl, '/readyz');
    assert.is(lagging.status, 503);
    assert.is(lagging.body.status, 'not_ready');
    assert.is(lagging.body.checks.projections?.ok, false);
    assert.is(lagging.body.checks.database?.ok, true);
    assert.is((await call(api.baseUrl, '/healthz')).status, 200);
    api.system.projections.start();
    await api.system.projections.catchUp();
    assert.is((await call(api.baseUrl, '/readyz')).status, 200);
  } finally {
    await api.close();
  }
});

test('readyz is 503 while the database is unreachable, and ready again when it is back', async () => {
  const api = await startApi();
  let closedEarly = false;
  try {
    assert.is((await call(api.baseUrl, '/readyz')).status, 200);
    const config = api.system.config.database;
    if (serverUrl && config.kind === 'postgres') {
      // The server refuses the database and drops its connections, as a failover or a network cut would.
      const name = new URL(config.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        const down = await call<Readiness>(api.baseUrl, '/readyz');
        assert.is(down.status, 503);
        assert.is(down.body.checks.database?.ok, false);
        assert.is(down.body.checks.eventStore?.ok, false);
        assert.is((await call(api.baseUrl, '/healthz')).status, 200);
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      } finally {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
        await admin.end();
      }
      assert.is((await call(api.baseUrl, '/readyz')).status, 200, 'ready again');
    } else {
      // In-process PGlite cannot be cut off from the outside; closing it is the nearest thing.
      await api.system.projections.stop();
      await api.system.db.close();
      closedEarly = true;
      const down = await call<Readiness>(api.baseUrl, '/readyz');
      assert.is(down.status, 503);
      assert.is(down.body.checks.database?.ok, false);
      assert.is((await call(api.baseUrl, '/healthz')).status, 200);
    }
  } finally {
    // The PGlite case closed the database already; closing it again only repeats that.
    await api.close().catch((error: unknown) => {
      if (!closedEarly) throw error;
    });
  }
});

test.run();
