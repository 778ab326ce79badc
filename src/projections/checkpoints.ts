import type { Knex } from 'knex';
import type { JsonRows } from '../db/combined-reads.js';
import { jsonColumns, parsedJson } from '../db/combined-reads.js';
import type { LogPosition } from '../eventstore/types.js';
import { LOG_START } from '../eventstore/types.js';

export interface Checkpoint {
  readonly version: number;
  readonly position: LogPosition;
  readonly eventsApplied: number;
  /** Written by every append (src/projections/inline.ts); `position` is where it went inline. */
  readonly inline: boolean;
}

interface CheckpointRow {
  version: number;
  commit_position: string;
  prepare_position: string;
  events_applied: string;
  inline: boolean;
}

const COLUMNS = ['version', 'commit_position', 'prepare_position', 'events_applied', 'inline'] as const;

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { version: row.version, position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }, eventsApplied: Number(row.events_applied), inline: row.inline };
}

export async function readCheckpoint(knex: Knex, name: string, forUpdate = false): Promise<Checkpoint | null> {
  const query = knex('projection_checkpoints')
    .select(...COLUMNS)
    .where('name', name);
  const row = (await (forUpdate ? query.forUpdate() : query).first()) as CheckpointRow | undefined;
  return row ? toCheckpoint(row) : null;
}

export async function readAllCheckpoints(knex: Knex): Promise<Map<string, Checkpoint>> {
  const rows = await knex<CheckpointRow & { name: string }>('projection_checkpoints').select('name', ...COLUMNS);
  return new Map(rows.map((row) => [row.name, toCheckpoint(row)]));
}

/**
 * Moves the checkpoints of projections standing at the same place over a stretch of the log holding
 * nothing for them: one statement for every read model an append does not concern. Only those
 * still where they were read, under the same version, move, so a runner applying events, a rebuild
 * or a version change in between always wins. No lock and no transaction: there are no rows to
 * write with it. Returns the names it moved; the others must be read again.
 */
export async function skipManyToCheckpoint(knex: Knex, projections: ReadonlyArray<{ readonly name: string; readonly version: number }>, from: LogPosition, to: LogPosition): Promise<Set<string>> {
  const result = await knex.raw<{ rows: Array<{ name: string }> }>(
    `UPDATE projection_checkpoints AS c
        SET commit_position = ?::bigint, prepare_position = ?::bigint, updated_at = now()
       FROM (SELECT unnest(?::text[]) AS name, unnest(?::int[]) AS version) AS v
      WHERE c.name = v.name AND c.version = v.version AND c.commit_position = ?::bigint AND c.prepare_position = ?::bigint AND NOT c.inline
      RETURNING c.name`,
    [to.commit.toString(), to.prepare.toString(), projections.map((p) => p.name), projections.map((p) => p.version), from.commit.toString(), from.prepare.toString()],
  );
  return new Set(result.rows.map((row) => row.name));
}

export async function resetCheckpoint(trx: Knex.Transaction, name: string, version: number): Promise<void> {
  await trx('projection_checkpoints')
    .insert({ name, version, commit_position: LOG_START.commit.toString(), prepare_position: LOG_START.prepare.toString(), events_applied: 0, inline: false })
    .onConflict('name')
    .merge(['version', 'commit_position', 'prepare_position', 'events_applied', 'inline', 'updated_at']);
}

/**
 * Only one runner may apply a projection's batch at a time, across processes. For a group standing
 * at the same place, in one statement: takes each projection's lock if free and checks that its
 * checkpoint still stands at `from`, under its version, fed from the log; with it go the reads
 * the members' `apply` starts with (`reads[i]` for `projections[i]`), whose rows come back
 * alongside, so a batch's claim and its reads are one round trip. A transaction-scoped advisory
 * lock needs no connection of its own (PGlite has only one) and is released by the commit or
 * rollback that ends the batch, whatever happens to the process. The check reads the snapshot
 * taken as the statement began, which can predate a commit of the runner that held the lock a
 * moment before (the reads then predate it too): the conditional advanceManyStatement at the end
 * of the batch is what makes a stale check harmless.
 */
export async function claimGroupBatch(
  trx: Knex.Transaction,
  projections: ReadonlyArray<{ readonly name: string; readonly version: number }>,
  from: LogPosition,
  reads: ReadonlyArray<ReadonlyArray<Knex.QueryBuilder | Knex.Raw>> = [],
): Promise<{ readonly claimed: Set<string>; readonly rows: ReadonlyArray<readonly JsonRows[]> }> {
  const selects = [
    `(SELECT coalesce(json_agg(c.name), '[]'::json) FROM projection_checkpoints AS c
       JOIN (SELECT unnest(?::text[]) AS name, unnest(?::int[]) AS version) AS v ON v.name = c.name AND v.version = c.version
      WHERE c.commit_position = ?::bigint AND c.prepare_position = ?::bigint AND NOT c.inline
        AND pg_try_advisory_xact_lock(7411, hashtext(c.name))) AS claimed`,
  ];
  const shape = reads.map((queries) => queries.length);
  const columns = jsonColumns(reads.flat());
  selects.push(...columns.columns);
  const bindings: Knex.Value[] = [projections.map((p) => p.name), projections.map((p) => p.version), from.commit.toString(), from.prepare.toString(), ...columns.bindings];
  const result = await trx.raw<{ rows: Array<Record<string, unknown>> }>(`SELECT ${selects.join(',\n')}`, bindings);
  const row = result.rows[0] ?? {};
  const claimed = new Set(parsedJson<string[]>(row.claimed));
  let next = 0;
  const rows = shape.map((count) =>
    Array.from({ length: count }, () => {
      const found = parsedJson<Array<Record<string, unknown>>>(row[`r${next}`]);
      next += 1;
      return found;
    }),
  );
  return { claimed, rows };
}

export async function lockProjection(trx: Knex.Transaction, name: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(7411, hashtext(?))', [name]);
}

/**
 * Moves a group's checkpoints after its batch was applied, only from where the batch started and
 * under the same versions, RETURNING the names it moved (the others were moved by something else
 * in between): the last clause of the batch's deferred writes.
 */
export function advanceManyStatement(
  moves: ReadonlyArray<{ readonly name: string; readonly version: number; readonly applied: number }>,
  from: LogPosition,
  to: LogPosition,
): { readonly sql: string; readonly bindings: Knex.Value[] } {
  return {
    sql: `UPDATE projection_checkpoints AS c
        SET commit_position = ?::bigint, prepare_position = ?::bigint, events_applied = c.events_applied + v.applied, updated_at = now()
       FROM (SELECT unnest(?::text[]) AS name, unnest(?::int[]) AS version, unnest(?::bigint[]) AS applied) AS v
      WHERE c.name = v.name AND c.version = v.version AND c.commit_position = ?::bigint AND c.prepare_position = ?::bigint AND NOT c.inline
      RETURNING c.name`,
    bindings: [to.commit.toString(), to.prepare.toString(), moves.map((m) => m.name), moves.map((m) => m.version), moves.map((m) => m.applied), from.commit.toString(), from.prepare.toString()],
  };
}

/** From now on every append writes the projection; `position` is where the log had brought it. */
export async function markInline(trx: Knex.Transaction, name: string, version: number, position: LogPosition, applied: number): Promise<void> {
  await trx('projection_checkpoints')
    .where({ name, version })
    .update({
      commit_position: position.commit.toString(),
      prepare_position: position.prepare.toString(),
      events_applied: trx.raw('events_applied + ?', [applied]),
      inline: true,
      updated_at: trx.fn.now(),
    });
}

/**
 * Waits for every append in flight to commit and holds new ones off until this transaction ends:
 * appends take the same lock shared (projections_written_inline()).
 */
export async function holdOffAppends(trx: Knex.Transaction): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(7412, 0)');
}
