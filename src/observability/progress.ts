import type { Logger } from 'pino';

export interface ProgressOptions {
  /** What is being done, e.g. "rebuilding tickets". */
  readonly label: string;
  /** What is counted, e.g. "events" or "documents". */
  readonly unit: string;
  readonly logger: Logger;
  /** A terminal to draw a bar on; null writes periodic log lines instead (a pipe, a container log). */
  readonly terminal: { write(text: string): unknown } | null;
  /** Pause between log lines when there is no terminal. */
  readonly logEveryMs?: number;
  readonly now?: () => number;
}

const REDRAW_EVERY_MS = 100;
const BAR_WIDTH = 24;

/**
 * Shows a long CLI run's progress and rate: a bar redrawn in place on a terminal, a log line every
 * few seconds otherwise, and a summary line at the end either way.
 */
export class Progress {
  private readonly startedAt: number;
  private readonly now: () => number;
  private lastShownAt = 0;
  private done = 0;
  private fraction: number | null = null;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.lastShownAt = this.startedAt;
  }

  /** `done` so far; `fraction` of the whole (0..1) when it can be known. */
  update(done: number, fraction: number | null = null): void {
    this.done = done;
    this.fraction = fraction === null ? null : Math.min(1, Math.max(0, fraction));
    const now = this.now();
    const every = this.options.terminal ? REDRAW_EVERY_MS : (this.options.logEveryMs ?? 5_000);
    if (now - this.lastShownAt < every) return;
    this.lastShownAt = now;
    if (this.options.terminal) this.options.terminal.write(`\r${this.line()}\x1b[K`);
    else this.options.logger.info(this.fields(), this.options.label);
  }

  /** The summary: the final count, how long it took and the mean rate. */
  finish(extra: Record<string, unknown> = {}): void {
    if (this.options.terminal) this.options.terminal.write(`\r${this.line(1)}\x1b[K\n`);
    this.options.logger.info({ ...this.fields(), ...extra }, `${this.options.label}: done`);
  }

  /** Per second, over the whole run so far. */
  rate(): number {
    const seconds = (this.now() - this.startedAt) / 1000;
    return seconds > 0 ? this.done / seconds : 0;
  }

  private fields(): Record<string, unknown> {
    return {
      [this.options.unit]: this.done,
      perSecond: Math.round(this.rate()),
      ms: this.now() - this.startedAt,
      ...(this.fraction !== null ? { percent: Math.floor(this.fraction * 100) } : {}),
    };
  }

  private line(fraction = this.fraction): string {
    const counted = `${this.done.toLocaleString('en')} ${this.options.unit}, ${Math.round(this.rate()).toLocaleString('en')} ${this.options.unit}/s`;
    if (fraction === null) return `${this.options.label}: ${counted}`;
    const filled = Math.round(fraction * BAR_WIDTH);
    return `${this.options.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${counted}`;
  }
}

/**
 * How far through the log `cursor` is on the way to `target`, 0..1, by the positions' sequence
 * part: close enough for a progress bar (PostgreSQL: the event's sequence number; EventStoreDB:
 * its place in the log file), and cheap, where counting the events ahead would read them twice.
 */
export function shareOfLog(cursor: { readonly prepare: bigint }, target: { readonly prepare: bigint }): number {
  if (target.prepare <= 0n) return 1;
  return Math.min(1, Number((cursor.prepare * 10_000n) / target.prepare) / 10_000);
}
