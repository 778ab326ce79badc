import type { PGlite, Results } from '@electric-sql/pglite';
import type { PooledSession, SqlPool, SqlResult } from './types.js';

type Callback = (error: Error | null, result?: SqlResult<Record<string, unknown>> & { command?: string }) => void;
type QueryConfig = { text: string; values?: readonly unknown[] };

/**
 * PGlite is one connection. This pool hands that connection to one caller at a time, in arrival
 * order, and holds it until release, so no caller's statement ever lands inside another caller's
 * open transaction. It has pg.Pool's shape so that Knex can use it as a native pool.
 */
export class PgliteSessionPool implements SqlPool {
  private readonly waiting: Array<() => void> = [];
  private busy = false;
  private ended = false;

  constructor(private readonly pglite: PGlite) {}

  // pg.Pool's counters, which Knex's duck typing looks for.
  get totalCount(): number {
    return 1;
  }
  get idleCount(): number {
    return this.busy ? 0 : 1;
  }
  get waitingCount(): number {
    return this.waiting.length;
  }

  async connect(): Promise<PooledSession> {
    if (this.ended) throw new Error('PGlite pool has been closed');
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    return new PgliteSession(this.pglite, () => this.handBack());
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
    while (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    await this.pglite.close();
  }

  private handBack(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

class PgliteSession implements PooledSession {
  private released = false;

  constructor(
    private readonly pglite: PGlite,
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
