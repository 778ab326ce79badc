import type { Cell } from '../../queries/reports/index.js';

/**
 * RFC 4180 CSV: CRLF line ends, a header line, fields quoted when they hold a quote, comma or line
 * break. A text cell a spreadsheet would take for a formula (=, +, -, @, tab, carriage return
 * first) is prefixed with a single quote, as OWASP advises; numbers are written as numbers.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, Cell>>>): string {
  const lines = [columns.map((column) => field(column)), ...rows.map((row) => columns.map((column) => field(row[column] ?? null)))];
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}

const FORMULA_START = /^[=+\-@\t\r]/;

function field(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
