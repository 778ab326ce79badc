import type { PGlite, Results } from '@electric-sql/pglite';
import type { PooledSession, SqlPool, SqlResult } from './types.js';
import type { StatementTap } from './statement-tap.js';
import { TimeSlice, currentCaller } from './turns.js';

type Callback = (error: Error | null, result?: SqlResult<Record<string, unknown>> & { command?: string }) => void;
type QueryConfig = { text: string; values?: readonly unknown[] };

/**
 * PGlite is one connection. This pool hands that connection to one caller at a time and holds it
 * until release, so no caller's statement ever lands inside another caller's open transaction. It
 * has pg.Pool's shape so that Knex can use it as a native pool.
 *
 * Waiting callers take turns (see turns.ts): the next session goes to the caller that has waited
 * longest since its last turn, not to the oldest request, so the eight sessions a bulk command
 * keeps queued count as one caller's. Before each session and each statement the event loop gets
 * a turn once a slice has passed, so requests keep being read while a long command runs.
 */
export class PgliteSessionPool implements SqlPool {
  /** Per caller, in turn order, the sessions it waits for. */
  private readonly turns = new Map<object, Array<() => void>>();
  private waiters = 0;
  private readonly idle: Array<() => void> = [];
  private readonly slice = new TimeSlice();
  private busy = false;
  private ended = false;

  constructor(
    private readonly pglite: PGlite,
    private readonly statements: StatementTap,
  ) {}

  // pg.Pool's counters, which Knex's duck typing looks for.
  get totalCount(): number {
    return 1;
  }
  get idleCount(): number {
    return this.busy ? 0 : 1;
  }
  get waitingCount(): number {
    return this.waiters;
  }

  async connect(): Promise<PooledSession> {
    if (this.ended) throw new Error('PGlite pool has been closed');
    await this.slice.yieldIfDue();
    if (this.busy || this.waiters > 0) await this.waitForTurn(currentCaller());
    this.busy = true;
    return new PgliteSession(this.pglite, this.slice, this.statements, () => this.handBack());
  }

  async query<Row extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<SqlResult<Row>> {
    const session = await this.connect();
    try {
      return await session.query<Row>(text, values);
    } finally {
      session.release();
    }
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    // Sessions already out or waiting finish first.
    while (this.busy) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.pglite.close();
  }

  private waitForTurn(caller: object): Promise<void> {
    return new Promise<void>((resolve) => {
      const queue = this.turns.get(caller);
      if (queue) queue.push(resolve);
      else this.turns.set(caller, [resolve]);
      this.waiters += 1;
    });
  }

  /** The connection goes to the first caller in turn order, who then moves to the back. */
  private handBack(): void {
    const first = this.turns.entries().next();
    if (first.done) {
      this.busy = false;
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    const [caller, queue] = first.value;
    const next = queue.shift()!;
    this.turns.delete(caller);
    if (queue.length > 0) this.turns.set(caller, queue);
    this.waiters -= 1;
    next();
  }
}

class PgliteSession implements PooledSession {
  private released = false;

  constructor(
    private readonly pglite: PGlite,
    private readonly slice: TimeSlice,
    private readonly statements: StatementTap,
    private readonly onRelease: () => void,
  ) {}

  /** Accepts our (text, values) calls and pg's callback forms, which Knex uses. */
  query<Row extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<SqlResult<Row>>;
  query(config: QueryConfig | string, callback: Callback): void;
  query(
    first: string | QueryConfig,
    second?: readonly unknown[] | Callback,
  ): Promise<SqlResult<Record<string, unknown>>> | void {
    const config: QueryConfig = typeof first === 'string' ? { text: first } : first;
    const values = Array.isArray(second) ? (second as readonly unknown[]) : config.values;
    const run = this.run(config.text, values);
    if (typeof second === 'function') {
      run.then(
        (result) => second(null, result),
        (error: unknown) => second(error instanceof Error ? error : new Error(String(error))),
      );
      return;
    }
    return run;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }

  private async run(text: string, values: readonly unknown[] | undefined): Promise<SqlResult<Record<string, unknown>> & { command?: string }> {
    if (this.released) throw new Error('query on a released PGlite session');
    this.statements.heard(text);
    await this.slice.yieldIfDue();
    // Like pg: parameters go through the extended protocol; a parameterless text may hold several statements.
    if (values && values.length > 0) {
      return toResult(await this.pglite.query<Record<string, unknown>>(text, values as unknown[]));
    }
    const results = await this.pglite.exec(text);
    const last = results.at(-1);
    return last ? toResult(last) : { rows: [], rowCount: 0 };
  }
}

function toResult(result: Results<Record<string, unknown>> & { command?: string; rowCount?: number }): SqlResult<Record<string, unknown>> & { command?: string } {
  return {
    rows: result.rows,
    rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
    command: result.command,
  };
}
