import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { Options } from 'csv-stringify';
import { stringify } from 'csv-stringify';
import { stringify as stringifyAll } from 'csv-stringify/sync';

/** What a CSV cell may hold: text, a number (written as it is), or nothing (an empty cell). */
export type CsvCell = string | number | null;
export type CsvRecord = readonly CsvCell[];

/**
 * Text a spreadsheet would run as a formula: `=`, `+`, `-`, `@` first, or a tab or carriage
 * return first (which some spreadsheets skip before reading the formula behind them).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** What the writer puts in front of such text, and what the CSV import takes off again. */
const FORMULA_GUARD = "'";

/**
 * Every CSV the API writes (report downloads, the asset export) goes through these options: RFC 4180
 * with CRLF line ends, a cell quoted when it holds a comma, quote or line break, or starts or ends
 * with a space (which a spreadsheet would drop), its quotes doubled. Text cells that start like a
 * formula get a single quote in front, as OWASP advises against CSV injection: a spreadsheet then
 * shows the text instead of running it (`=HYPERLINK(…)` cannot phone home). Numbers are written as
 * numbers, so a negative figure is no formula and stays a number.
 */
const OPTIONS: Options = {
  record_delimiter: '\r\n',
  // csv-stringify quotes a cell holding the record delimiter (CRLF); a lone CR or LF needs quoting too.
  quoted_match: [/[\r\n]/, /^\s|\s$/],
  cast: { string: (value) => (FORMULA_START.test(value) ? `${FORMULA_GUARD}${value}` : value) },
};

/** A whole CSV document in memory, for answers that are small anyway (report tables). */
export function csvDocument(records: Iterable<CsvRecord>): string {
  return stringifyAll([...records] as CsvCell[][], OPTIONS);
}

/**
 * A CSV document written as `records` yields them, for exports too large to hold: the stream reads
 * the next record only when the client takes the previous ones. A failing source fails the stream
 * (the download breaks off rather than ending as if complete); a client that hangs up ends the source.
 */
export function csvStream(records: AsyncIterable<CsvRecord>): Readable {
  const writer = stringify(OPTIONS);
  pipeline(Readable.from(records), writer, () => undefined);
  return writer;
}

/**
 * A cell read from an uploaded CSV with the writer's guard taken off again (`'=x` → `=x`), so that
 * an export imported back carries the same values. Only a quote in front of a formula start is
 * the guard; any other leading quote is the cell's own.
 */
export function unguardedCell(cell: string): string {
  return cell.startsWith(FORMULA_GUARD) && FORMULA_START.test(cell.slice(FORMULA_GUARD.length)) ? cell.slice(FORMULA_GUARD.length) : cell;
}
