import type { EventStore } from '../eventstore/types.js';
import type { ChainBreak } from './chain-verifier.js';
import { verifyLog, verifyStream } from './chain-verifier.js';

/**
 * `itsm audit:verify [stream]`: recomputes one stream's hash chain, or every stream's in one pass
 * over the log, and prints the first broken link of each broken stream. Returns whether all held,
 * so the process can exit non-zero for scripts and cron jobs.
 */
export async function runAuditVerify(store: EventStore, stream: string | undefined, write: (line: string) => void, now: () => number = Date.now): Promise<boolean> {
  const started = now();
  if (stream) {
    const verification = await verifyStream(store, stream);
    if (verification.events === 0) {
      write(`${stream}: no such stream`);
      return false;
    }
    write(verification.intact ? `${stream}: ${verification.events} events, chain intact, head ${verification.headHash}` : describe(verification.firstBreak!));
    return verification.intact;
  }
  let reported = 0;
  const result = await verifyLog(store, (events) => {
    if (events - reported < 50_000) return;
    reported = events;
    const seconds = (now() - started) / 1000;
    write(`… ${events.toLocaleString('en')} events checked (${Math.round(events / Math.max(seconds, 0.001)).toLocaleString('en')} events/s)`);
  });
  for (const found of result.broken) write(describe(found));
  const seconds = (now() - started) / 1000;
  write(`${result.streams.toLocaleString('en')} streams, ${result.events.toLocaleString('en')} events in ${seconds.toFixed(1)} s: ${result.broken.length === 0 ? 'every chain intact' : `${result.broken.length} broken`}`);
  return result.broken.length === 0;
}

function describe(found: ChainBreak): string {
  return `BROKEN ${found.streamId} at revision ${found.revision}${found.eventId ? ` (event ${found.eventId})` : ''}: ${found.reason}: ${found.detail}`;
}
