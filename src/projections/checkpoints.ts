import type { Knex } from 'knex';
import type { LogPosition } from '../eventstore/types.js';
import { LOG_START } from '../eventstore/types.js';

export interface Checkpoint {
  readonly version: number;
  readonly position: LogPosition;
  readonly eventsApplied: number;
}

interface CheckpointRow {
  version: number;
  commit_position: string;
  prepare_position: string;
  events_applied: string;
}

export async function readCheckpoint(knex: Knex, name: string, forUpdate = false): Promise<Checkpoint | null> {
  const query = knex('projection_checkpoints')
    .select('version', 'commit_position', 'prepare_position', 'events_applied')
    .where('name', name);
  const row = (await (forUpdate ? query.forUpdate() : query).first()) as CheckpointRow | undefined;
  if (!row) return null;
  return {
    version: row.version,
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    eventsApplied: Number(row.events_applied),
  };
}

export async function readAllCheckpoints(knex: Knex): Promise<Map<string, Checkpoint>> {
  const rows = await knex<CheckpointRow & { name: string }>('projection_checkpoints').select('name', 'version', 'commit_position', 'prepare_position', 'events_applied');
  return new Map(
    rows.map((row) => [
      row.name,
      { version: row.version, position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }, eventsApplied: Number(row.events_applied) },
    ]),
  );
}

export async function advanceCheckpoint(trx: Knex.Transaction, name: string, position: LogPosition, applied: number): Promise<void> {
  await trx('projection_checkpoints')
    .where({ name })
    .update({
      commit_position: position.commit.toString(),
      prepare_position: position.prepare.toString(),
      events_applied: trx.raw('events_applied + ?', [applied]),
      updated_at: trx.fn.now(),
    });
}

/**
 * Moves a checkpoint over a stretch of the log holding nothing for its projection, in one
 * statement: only if it still stands where it was read and the version still matches, so a
 * runner applying events, a rebuild or a version change in between always wins. No lock and no
 * transaction: there are no rows to write with it.
 */
export async function skipToCheckpoint(knex: Knex, name: string, version: number, from: LogPosition, to: LogPosition): Promise<boolean> {
  const moved = await knex('projection_checkpoints')
    .where({ name, version, commit_position: from.commit.toString(), prepare_position: from.prepare.toString() })
    .update({ commit_position: to.commit.toString(), prepare_position: to.prepare.toString(), updated_at: knex.fn.now() });
  return moved === 1;
}

export async function resetCheckpoint(trx: Knex.Transaction, name: string, version: number): Promise<void> {
  await trx('projection_checkpoints')
    .insert({ name, version, commit_position: LOG_START.commit.toString(), prepare_position: LOG_START.prepare.toString(), events_applied: 0 })
    .onConflict('name')
    .merge(['version', 'commit_position', 'prepare_position', 'events_applied', 'updated_at']);
}

/**
 * Only one runner may apply a projection's batch at a time, across processes. A transaction-scoped
 * advisory lock needs no connection of its own (PGlite has only one) and is released by the commit
 * or rollback that ends the batch, whatever happens to the process.
 */
export async function tryLockProjection(trx: Knex.Transaction, name: string): Promise<boolean> {
  const result = await trx.raw<{ rows: Array<{ locked: boolean }> }>(
    'SELECT pg_try_advisory_xact_lock(7411, hashtext(?)) AS locked',
    [name],
  );
  return result.rows[0]?.locked === true;
}

export async function lockProjection(trx: Knex.Transaction, name: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(7411, hashtext(?))', [name]);
}
