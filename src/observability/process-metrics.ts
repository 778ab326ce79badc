import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | null = null;

/**
 * Node's own metrics (CPU, memory, heap, event-loop lag, handles) describe the process, not a
 * system inside it, so one registry per process carries them. Per system they would also cost:
 * each set samples the event loop on a timer of its own that never stops, and a test process
 * opens hundreds of systems.
 */
export function processMetrics(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
