import type { Logger } from 'pino';
import { pause } from '../background/pause.js';
import type { BlobEntry, BlobStore } from './types.js';

/** Blobs judged per round trip to the read model. */
const BATCH = 1_000;

export interface BlobSweepOptions {
  readonly blobs: BlobStore;
  /** Which of these digests an event refers to (the attachments read model answers). */
  readonly referenced: (digests: readonly string[]) => Promise<ReadonlySet<string>>;
  /** True once the read model `referenced` asks holds every event committed when this was called. */
  readonly readModelCaughtUp: () => Promise<boolean>;
  /** How long a blob no event refers to is kept, from when it was last stored. */
  readonly graceMs: number;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Wall-clock time, the clock file times are set by (never a test's fixed clock). */
  readonly now?: () => number;
}

export type SweepResult =
  | { readonly swept: true; readonly removed: number; readonly kept: number; readonly abandonedUploads: number }
  | { readonly swept: false; readonly reason: string };

/**
 * Removes blobs that no event refers to: the bytes of uploads whose command failed (a lost race, a
 * refused attachment, a client gone before the append). Content-addressed blobs are shared, so a
 * failed upload cannot remove its own bytes: another upload of the same content may be about to
 * refer to them. Only this sweep removes blobs, and only under these rules.
 *
 * The race with an upload in flight. An upload stores (or renews) its blob at time t, then appends
 * the event that refers to it, by t + d, where d is the media-type detection and the append with
 * its retries: seconds (Node ends a request whose body takes over 5 minutes). The sweep, for each
 * batch:
 *   1. reads each blob's storedAt, at time s, and keeps as candidates those stored before
 *      s − grace (the cutoff);
 *   2. then waits until the read model holds everything committed by now (≥ s);
 *   3. then asks which candidates are referenced, and keeps those;
 *   4. removes the rest only if still not stored since the cutoff (`removeUnlessStoredSince`).
 * An upload that stored or renewed a candidate before step 1 did so before s − grace, so with
 * d < grace its event was committed before s, is in the read model at step 3, and the blob is kept.
 * An upload that renews it after step 1 moves storedAt past the cutoff, which step 4 sees (it
 * renames the blob away first, so no renewal can slip between its check and the removal; a renewal
 * after that rename finds no blob and stores the bytes anew). Hence the grace must exceed the
 * longest upload-to-append time, and blob files must be stamped by this machine's clock (on a
 * shared volume, by clocks in step within the grace).
 *
 * When the read model is behind (a rebuild, a stopped projector), nothing is removed this round.
 */
export class BlobSweep {
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: BlobSweepOptions) {}

  async sweepOnce(): Promise<SweepResult> {
    const { blobs, graceMs } = this.options;
    const cutoff = new Date((this.options.now ?? Date.now)() - graceMs);
    const abandonedUploads = await blobs.tidyTemporaryFiles(cutoff);
    let removed = 0;
    let kept = 0;
    let batch: BlobEntry[] = [];
    const judge = async (): Promise<SweepResult | null> => {
      const candidates = batch;
      batch = [];
      if (candidates.length === 0) return null;
      if (!(await this.options.readModelCaughtUp())) return { swept: false, reason: 'the attachments read model is behind the log' };
      const referenced = await this.options.referenced(candidates.map((entry) => entry.sha256));
      for (const { sha256 } of candidates) {
        if (!referenced.has(sha256) && (await blobs.removeUnlessStoredSince(sha256, cutoff))) removed += 1;
        else kept += 1;
      }
      return null;
    };
    for await (const entry of blobs.list()) {
      if (entry.storedAt.getTime() >= cutoff.getTime()) {
        kept += 1;
        continue;
      }
      batch.push(entry);
      if (batch.length >= BATCH) {
        const stopped = await judge();
        if (stopped) return stopped;
      }
    }
    return (await judge()) ?? { swept: true, removed, kept, abandonedUploads };
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = (async () => {
      while (!controller.signal.aborted) {
        try {
          const result = await this.sweepOnce();
          if (!result.swept) this.options.logger.warn({ reason: result.reason }, 'blob sweep skipped');
          else if (result.removed > 0 || result.abandonedUploads > 0) this.options.logger.info(result, 'unreferenced blobs removed');
        } catch (error) {
          this.options.logger.error({ err: error }, 'blob sweep failed');
        }
        await pause(this.options.intervalMs, controller.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = null;
    await this.loop;
    this.loop = null;
  }
}
