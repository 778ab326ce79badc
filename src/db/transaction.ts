import type { Knex } from 'knex';
import type { PooledSession, SqlPool, SqlSession } from './types.js';

export async function inTransaction<T>(pool: SqlPool, work: (session: SqlSession) => Promise<T>): Promise<T> {
  const session: PooledSession = await pool.connect();
  let broken: Error | undefined;
  try {
    await session.query('BEGIN');
    const result = await work(session);
    await session.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await session.query('ROLLBACK');
    } catch (rollbackError) {
      // A connection that cannot roll back is not safe to hand to the next caller.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    session.release(broken);
  }
}

/**
 * One transaction that raw SQL and Knex both write through: the event store appends with its own
 * statements, and the read models written inline go through Knex, on the same connection. Knex
 * is handed the connection and so never takes another from the pool (PGlite has only one).
 */
export async function inSharedTransaction<T>(pool: SqlPool, knex: Knex, work: (session: SqlSession, trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const session: PooledSession = await pool.connect();
  let broken: Error | undefined;
  try {
    return await knex.transaction((trx) => work(session, trx), { connection: session });
  } catch (error) {
    // Knex rolled back already when it could; a connection left inside a transaction must not go back to the pool.
    try {
      await session.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    session.release(broken);
  }
}
