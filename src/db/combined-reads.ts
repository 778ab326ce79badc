import type { Knex } from 'knex';

/** Rows as json_agg hands them over: timestamps as ISO text, numbers and booleans as they are. */
export type JsonRows = ReadonlyArray<Record<string, unknown>>;

/**
 * Several reads as columns of one SELECT, each query's rows aggregated into a JSON array (named
 * r0, r1, … from `first`): a batch that starts with four reads pays one round trip.
 */
export function jsonColumns(queries: ReadonlyArray<Knex.QueryBuilder | Knex.Raw>, first = 0): { readonly columns: string[]; readonly bindings: Knex.Value[] } {
  const columns: string[] = [];
  const bindings: Knex.Value[] = [];
  for (const [index, query] of queries.entries()) {
    const { sql, bindings: own } = query.toSQL();
    columns.push(`(SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) AS q) AS r${first + index}`);
    bindings.push(...own);
  }
  return { columns, bindings };
}

/** The rows of each query, read in one statement. */
export async function readTogether(knex: Knex, queries: ReadonlyArray<Knex.QueryBuilder | Knex.Raw>): Promise<JsonRows[]> {
  if (queries.length === 0) return [];
  const { columns, bindings } = jsonColumns(queries);
  const result = await knex.raw<{ rows: Array<Record<string, unknown>> }>(`SELECT ${columns.join(',\n')}`, bindings);
  const row = result.rows[0] ?? {};
  return queries.map((_, index) => parsedJson<Array<Record<string, unknown>>>(row[`r${index}`]));
}

/** pg parses json columns; a driver without the type parser hands over the text. */
export function parsedJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
