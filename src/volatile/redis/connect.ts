import { Redis } from 'ioredis';
import { VolatileStateUnavailableError } from '../errors.js';

export interface RedisTarget {
  readonly kind: 'redis';
  readonly url: string;
  /** Put before every key, so tenants, environments and test runs never share state. Required, non-empty. */
  readonly keyPrefix: string;
  /** Longest wait for any one reply; default 1 s. */
  readonly commandTimeoutMs?: number;
  /** Longest wait for the TCP connection; default 2 s. */
  readonly connectTimeoutMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

/**
 * A client whose every call ends within the command timeout: a dead or hung server answers with
 * an error, never a request that waits forever. Resolves once the server has answered a PING.
 */
export async function connectRedis(target: RedisTarget, onError: (error: Error) => void): Promise<Redis> {
  if (target.keyPrefix === '') throw new RangeError('a Redis keyPrefix is required');
  const commandTimeout = target.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const redis = new Redis(target.url, {
    keyPrefix: target.keyPrefix,
    commandTimeout,
    // A half-closed socket is otherwise kept for 2 s, holding the process open after close().
    disconnectTimeout: commandTimeout,
    connectTimeout: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Commands queued while reconnecting fail after one retry instead of the default twenty.
    maxRetriesPerRequest: 1,
    // Calls made in the same tick (a request's deny-list and rate-limit checks, and every other
    // request's) leave in one write: under load the socket writes were the API's largest cost.
    enableAutoPipelining: true,
  });
  // Without a listener ioredis prints every reconnect failure; callers already get them as errors.
  redis.on('error', onError);
  try {
    await redis.ping();
  } catch (cause) {
    redis.disconnect();
    throw new VolatileStateUnavailableError('connect', cause);
  }
  return redis;
}

/** QUIT lets replies in flight arrive; a server that does not answer is simply dropped. */
export async function disconnectRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
