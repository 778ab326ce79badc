import type { Direction, Filter, KurrentDBClient, ReadPosition, ReadRevision } from '@kurrent/kurrentdb-client';
import {
  BACKWARDS,
  END,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
} from '@kurrent/kurrentdb-client';
import { collectWithin } from './deadline.js';
import type { ClientRecord } from './mapping.js';

export interface StreamReadOptions {
  readonly direction: Direction;
  readonly fromRevision: ReadRevision;
  readonly maxCount?: number | undefined;
}

export interface AllReadOptions {
  readonly direction: Direction;
  readonly fromPosition: ReadPosition;
  readonly maxCount: number;
  readonly filter: Filter;
}

/** Reads with a deadline, answering with the records themselves (link-only entries dropped). */
export class EsdbReader {
  constructor(
    private readonly client: KurrentDBClient,
    private readonly deadlineMs: number,
  ) {}

  /** A stream that was never written (or that EventStoreDB itself deleted) reads as empty. */
  async stream(streamName: string, options: StreamReadOptions): Promise<ClientRecord[]> {
    try {
      const resolved = await collectWithin(
        this.client.readStream(streamName, { ...options, deadline: this.deadlineMs }),
        this.deadlineMs,
        `reading stream ${streamName}`,
      );
      return recordsOf(resolved);
    } catch (error) {
      if (error instanceof ClientStreamNotFoundError || error instanceof ClientStreamDeletedError) return [];
      throw error;
    }
  }

  async lastOf(streamName: string): Promise<ClientRecord | undefined> {
    const [last] = await this.stream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last;
  }

  async all(options: AllReadOptions): Promise<ClientRecord[]> {
    const resolved = await collectWithin(
      this.client.readAll({ ...options, deadline: this.deadlineMs }),
      this.deadlineMs,
      'reading $all',
    );
    return recordsOf(resolved);
  }
}

function recordsOf(resolved: ReadonlyArray<{ readonly event?: ClientRecord | undefined }>): ClientRecord[] {
  const records: ClientRecord[] = [];
  for (const entry of resolved) if (entry.event) records.push(entry.event);
  return records;
}
