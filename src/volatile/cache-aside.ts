import type { SingleFlight } from './single-flight.js';
import type { Cache, JsonValue } from './types.js';
import { assertTtl } from './validate.js';

/** getOrLoad for any Cache: read, and on a miss load once per key and store. */
export async function getOrLoad<T extends JsonValue>(
  cache: Pick<Cache, 'get' | 'set'>,
  flights: SingleFlight,
  key: string,
  ttlMs: number,
  load: () => Promise<T>,
): Promise<T> {
  assertTtl(ttlMs);
  return await flights.run(key, async () => {
    const hit = await cache.get<T>(key);
    if (hit !== undefined) return hit;
    const value = await load();
    await cache.set(key, value, ttlMs);
    return value;
  });
}
