import type { Knex } from 'knex';
import type { StatementTap } from './statement-tap.js';

export interface SqlResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number | null;
}

/** One connection's worth of SQL: a pooled client, or the inside of a transaction. */
export interface SqlSession {
  query<Row extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<SqlResult<Row>>;
}

export interface PooledSession extends SqlSession {
  release(destroy?: boolean | Error): void;
}

/** The shape shared by pg.Pool and our PGlite session pool; Knex is handed the same object. */
export interface SqlPool extends SqlSession {
  connect(): Promise<PooledSession>;
  end(): Promise<void>;
}

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly pool: SqlPool;
  /** The one Knex instance; it draws connections from `pool`, so PGlite never sees interleaved transactions. */
  readonly knex: Knex;
  /** Every statement sent, on any connection (counted by the cost budgets). */
  readonly statements: StatementTap;
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** A transaction that raw statements (`session`) and Knex (`trx`) share: an append and the read models it writes inline. */
  sharedTransaction<T>(work: (session: SqlSession, trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with the payload of each NOTIFY on the channel until the returned function is
   * called (with none when the listening connection failed: a wake-up to look for oneself).
   */
  listen(channel: string, onNotify: (payload?: string) => void): Promise<() => Promise<void>>;
  /** PGlite only: the whole data directory as a tarball (to clone a prepared database). */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

/** PostgreSQL error codes we act on. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_SERIALIZATION_FAILURE = '40001';

export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
