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
