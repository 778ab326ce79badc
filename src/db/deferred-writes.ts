import type { Knex } from 'knex';

/**
 * The writes a batch's projections leave for its end, sent as one statement with the checkpoint's
 * move: each is a data-modifying WITH clause of that statement. A group of four read models wrote
 * ten-odd statements a command, each a round trip inside the transaction; now they are one.
 *
 * Every clause runs on the same snapshot and none sees another's rows, which holds because each
 * projection writes only its own tables and defers only writes that nothing later in the batch
 * reads (what a projection reads, it reads before it writes). Two clauses must never touch the
 * same row; a projection that needs its own earlier write back writes it at once, not here.
 */
export class DeferredWrites {
  private statements: Array<{ readonly sql: string; readonly bindings: readonly Knex.Value[] }> = [];

  /** Adds a write built on any Knex instance (only its SQL text and bindings are kept). */
  add(query: Knex.QueryBuilder | Knex.Raw): void {
    const { sql, bindings } = query.toSQL();
    this.statements.push({ sql, bindings });
  }

  /**
   * Sends everything deferred, with `last` (a statement whose RETURNING rows are wanted) as the
   * final clause; returns `last`'s rows. Split into as few statements as the bind limit allows.
   */
  async run<Row>(trx: Knex.Transaction, last?: { readonly sql: string; readonly bindings: readonly Knex.Value[] }): Promise<Row[]> {
    const pending = this.statements;
    this.statements = [];
    const chunks: Array<Array<{ readonly sql: string; readonly bindings: readonly Knex.Value[] }>> = [];
    let bound = Number.POSITIVE_INFINITY;
    for (const statement of pending) {
      if (bound + statement.bindings.length > MAX_BINDINGS) {
        chunks.push([]);
        bound = 0;
      }
      chunks.at(-1)!.push(statement);
      bound += statement.bindings.length;
    }
    for (const chunk of chunks.slice(0, last ? -1 : undefined)) await runCombined(trx, chunk, null);
    const lastChunk = last ? (chunks.at(-1) ?? []) : [];
    if (last && lastChunk.length > 0 && bound + last.bindings.length > MAX_BINDINGS) {
      await runCombined(trx, lastChunk, null);
      return runCombined<Row>(trx, [], last);
    }
    return last ? runCombined<Row>(trx, lastChunk, last) : [];
  }
}

/** PostgreSQL takes 65,535 bind parameters a statement; each deferred write stays well under it. */
const MAX_BINDINGS = 60_000;

async function runCombined<Row>(
  trx: Knex.Transaction,
  writes: ReadonlyArray<{ readonly sql: string; readonly bindings: readonly Knex.Value[] }>,
  last: { readonly sql: string; readonly bindings: readonly Knex.Value[] } | null,
): Promise<Row[]> {
  if (writes.length === 0 && !last) return [];
  if (writes.length === 1 && !last) {
    await trx.raw(writes[0]!.sql, writes[0]!.bindings);
    return [];
  }
  if (writes.length === 0 && last) {
    const alone: unknown = await trx.raw(last.sql, last.bindings);
    return rowsOf<Row>(alone);
  }
  const clauses = writes.map((write, index) => `w${index} AS (${write.sql})`);
  const bindings = writes.flatMap((write) => write.bindings);
  if (last) {
    clauses.push(`last AS (${last.sql})`);
    bindings.push(...last.bindings);
  }
  const result: unknown = await trx.raw(`WITH ${clauses.join(',\n')}\nSELECT ${last ? '* FROM last' : '1'}`, bindings);
  return last ? rowsOf<Row>(result) : [];
}

function rowsOf<Row>(result: unknown): Row[] {
  return (result as { rows?: Row[] }).rows ?? [];
}
