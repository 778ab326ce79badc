import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { VolatileState } from '../../src/volatile/index.js';
import { openVolatileState, VolatileStateUnavailableError } from '../../src/volatile/index.js';
import { caught } from '../support/events.js';
import { manualClock, volatileStateContract } from './contract.js';

const redisUrl = process.env.REDIS_URL;

if (!redisUrl) {
  console.log('SKIPPED: Redis volatile-state contract (REDIS_URL unset)');
} else {
  const url = redisUrl;
  volatileStateContract('Redis', async (clock) => {
    const keyPrefix = newPrefix();
    const state = await openVolatileState({ kind: 'redis', url, keyPrefix }, { clock });
    return {
      state,
      async close() {
        await state.close();
        await deleteKeys(url, keyPrefix);
      },
    };
  });
  redisOnlySuite(url);
  deadRedisSuite(url);
}

function redisOnlySuite(url: string): void {
  const test = suite('redis volatile state: shared and namespaced');
  const prefixes: string[] = [];
  const open = async (keyPrefix: string): Promise<VolatileState> => {
    prefixes.push(keyPrefix);
    return openVolatileState({ kind: 'redis', url, keyPrefix });
  };
  test.after(async () => {
    for (const prefix of prefixes) await deleteKeys(url, prefix);
  });

  test('writes every key under the key prefix, each with an expiry', async () => {
    const prefix = newPrefix();
    const state = await open(prefix);
    const marker = `probe-${randomUUID()}`;
    const now = Date.now();
    try {
      await state.rateLimiter.consume(marker, { limit: 5, windowMs: 60_000 });
      await state.denyList.deny(marker, new Date(now + 60_000));
      await state.denyList.denyAllBefore(marker, new Date(now), new Date(now + 60_000));
      await state.cache.set(marker, 'v', 60_000);
    } finally {
      await state.close();
    }
    const raw = new Redis(url);
    try {
      const keys = await scanAll(raw, `*${marker}*`);
      assert.is(keys.length, 4);
      for (const k of keys) {
        assert.ok(k.startsWith(prefix), `${k} starts with the prefix`);
        assert.ok((await raw.pttl(k)) > 0, `${k} expires`);
      }
    } finally {
      await raw.quit();
    }
  });

  test('given a consumed key, then it holds one string, its arrival time, under gcra: and never the old log\'s rate:', async () => {
    const prefix = newPrefix();
    const clock = manualClock();
    const state = await openVolatileState({ kind: 'redis', url, keyPrefix: prefix }, { clock: clock.now });
    prefixes.push(prefix);
    const raw = new Redis(url);
    try {
      const k = randomUUID();
      // An old instance's sliding log under the same key, as in a rolling upgrade: not read as ours.
      await raw.zadd(`${prefix}rate:${k}`, clock.now(), 'old-member');
      for (let i = 0; i < 3; i += 1) await state.rateLimiter.consume(k, { limit: 7, windowMs: 60_000 });
      assert.is(await raw.type(`${prefix}gcra:${k}`), 'string');
      // Three intervals of 60 000 / 7 ms: 25 714 ms and 2/7.
      assert.is(await raw.get(`${prefix}gcra:${k}`), `${clock.now() + 25_714}:2`);
      assert.ok((await raw.pttl(`${prefix}gcra:${k}`)) > 25_714);
      assert.is(await raw.zcard(`${prefix}rate:${k}`), 1, 'the old key is left alone');
    } finally {
      await raw.quit();
      await state.close();
    }
  });

  test('given the server forgot its scripts (SCRIPT FLUSH), when a key is consumed, then the script is sent again and counts on', async () => {
    const prefix = newPrefix();
    const state = await open(prefix);
    const raw = new Redis(url);
    try {
      const k = randomUUID();
      const rule = { limit: 2, windowMs: 60_000 };
      assert.ok((await state.rateLimiter.consume(k, rule)).allowed);
      await raw.script('FLUSH');
      assert.equal((await state.rateLimiter.consume(k, rule)).remaining, 0);
      assert.not.ok((await state.rateLimiter.consume(k, rule)).allowed);
    } finally {
      await raw.quit();
      await state.close();
    }
  });

  test('two instances sharing a prefix share one limit: 50 concurrent requests, exactly 10 allowed', async () => {
    const prefix = newPrefix();
    const [a, b] = await Promise.all([open(prefix), open(prefix)]);
    try {
      const rule = { limit: 10, windowMs: 60_000 };
      const k = randomUUID();
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).rateLimiter.consume(k, rule)));
      assert.is(decisions.filter((d) => d.allowed).length, 10);
      await a.denyList.deny(k, new Date(Date.now() + 60_000));
      assert.ok(await b.denyList.isDenied(k));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('instances with different prefixes never see each other\'s state', async () => {
    const [a, b] = await Promise.all([open(newPrefix()), open(newPrefix())]);
    try {
      const k = randomUUID();
      await a.cache.set(k, 'a', 60_000);
      await a.denyList.deny(k, new Date(Date.now() + 60_000));
      assert.is(await b.cache.get(k), undefined);
      assert.not.ok(await b.denyList.isDenied(k));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('reads a value it did not write under a cache key as a miss', async () => {
    const prefix = newPrefix();
    const state = await open(prefix);
    const raw = new Redis(url);
    try {
      await raw.set(`${prefix}cache:foreign`, 'not json', 'PX', 60_000);
      await raw.set(`${prefix}cache:other-shape`, '{"a":1}', 'PX', 60_000);
      assert.is(await state.cache.get('foreign'), undefined);
      assert.is(await state.cache.get('other-shape'), undefined);
    } finally {
      await raw.quit();
      await state.close();
    }
  });

  test('refuses an empty key prefix', async () => {
    assert.instance(await caught(() => openVolatileState({ kind: 'redis', url, keyPrefix: '' })), RangeError);
  });

  test.run();
}

function deadRedisSuite(url: string): void {
  const test = suite('redis volatile state: a dead server answers with an error, never a hang');
  const commandTimeoutMs = 200;

  test('every port fails fast with VolatileStateUnavailableError once the server stops answering', async () => {
    const proxy = await freezableProxy(url);
    const prefix = newPrefix();
    const state = await openVolatileState({ kind: 'redis', url: proxy.url, keyPrefix: prefix, commandTimeoutMs }, { clock: manualClock().now });
    try {
      assert.ok((await state.rateLimiter.consume('k', { limit: 1, windowMs: 60_000 })).allowed);
      proxy.freeze();
      const calls: (() => Promise<unknown>)[] = [
        () => state.rateLimiter.consume('k', { limit: 1, windowMs: 60_000 }),
        () => state.denyList.isDenied('t'),
        () => state.denyList.deniedBefore('s'),
        () => state.cache.getOrLoad('c', 1_000, () => Promise.resolve('v')),
        () => state.ping(),
      ];
      const started = Date.now();
      const errors = await Promise.all(calls.map((call) => caught(call)));
      for (const error of errors) assert.instance(error, VolatileStateUnavailableError);
      assert.ok(Date.now() - started < 2_000, `failed within ${Date.now() - started} ms`);
    } finally {
      const closing = Date.now();
      await state.close();
      assert.ok(Date.now() - closing < 2_000, 'close does not hang either');
      await proxy.close();
      await deleteKeys(url, prefix);
    }
  });

  test('refuses to open against a server that accepts connections and never answers', async () => {
    const proxy = await freezableProxy(url);
    proxy.freeze();
    try {
      const started = Date.now();
      const error = await caught(() => openVolatileState({ kind: 'redis', url: proxy.url, keyPrefix: newPrefix(), commandTimeoutMs }));
      assert.instance(error, VolatileStateUnavailableError);
      assert.ok(Date.now() - started < 2_000);
    } finally {
      await proxy.close();
    }
  });

  test('refuses to open against a port where nothing listens', async () => {
    const closedPort = await unusedPort();
    const started = Date.now();
    const error = await caught(() =>
      openVolatileState({ kind: 'redis', url: `redis://127.0.0.1:${closedPort}`, keyPrefix: newPrefix(), commandTimeoutMs, connectTimeoutMs: 200 }),
    );
    assert.instance(error, VolatileStateUnavailableError);
    assert.ok(Date.now() - started < 2_000);
  });

  test.run();
}

function newPrefix(): string {
  return `itsm-test-${randomBytes(6).toString('hex')}:`;
}

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const raw = new Redis(url);
  try {
    const keys = await scanAll(raw, `${prefix}*`);
    if (keys.length > 0) await raw.unlink(...keys);
  } finally {
    await raw.quit();
  }
}

/** A TCP relay to the real server that can stop relaying, to play a server that hangs. */
async function freezableProxy(target: string): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  const upstreamUrl = new URL(target);
  let frozen = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(upstreamUrl.port || 6379), upstreamUrl.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze() {
      frozen = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
