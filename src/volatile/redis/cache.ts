import type { Redis } from 'ioredis';
import { getOrLoad } from '../cache-aside.js';
import { SingleFlight } from '../single-flight.js';
import type { Cache, Clock, JsonValue } from '../types.js';
import { assertTtl } from '../validate.js';
import { guarded } from './guarded.js';

/**
 * Values are stored as `[expiresAt, value]`: expiry is judged by the application's clock, like
 * the other adapters, and Redis's PX only collects the garbage.
 */
export class RedisCache implements Cache {
  readonly #flights = new SingleFlight();

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    const raw = await guarded('cache get', () => this.redis.get(`cache:${key}`));
    const envelope = raw === null ? undefined : parseEnvelope(raw);
    if (!envelope || envelope.expiresAt <= this.clock()) return undefined;
    return envelope.value as T;
  }

  async set(key: string, value: JsonValue, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const json = JSON.stringify([this.clock() + ttlMs, value]);
    await guarded('cache set', () => this.redis.set(`cache:${key}`, json, 'PX', ttlMs));
  }

  async delete(key: string): Promise<void> {
    await guarded('cache delete', () => this.redis.del(`cache:${key}`));
  }

  getOrLoad<T extends JsonValue>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    return getOrLoad(this, this.#flights, key, ttlMs, load);
  }
}

/** Anything under our key that we did not write reads as a miss, the safe answer for a cache. */
function parseEnvelope(raw: string): { expiresAt: number; value: JsonValue } | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(envelope) || envelope.length !== 2 || typeof envelope[0] !== 'number') return undefined;
  return { expiresAt: envelope[0], value: envelope[1] as JsonValue };
}
