import { VolatileStateUnavailableError } from '../errors.js';

/** Runs one Redis operation and reports any failure as the port's own error, not ioredis's. */
export async function guarded<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    throw new VolatileStateUnavailableError(operation, cause);
  }
}
