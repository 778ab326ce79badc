import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { toCsv } from '../../src/api/reports/csv.js';

const test = suite('report CSV');

test('a header line, CRLF line ends, empty cells for null, numbers as numbers', () => {
  assert.is(toCsv(['day', 'openTickets', 'teamId'], [{ day: '2026-11-02', openTickets: 3, teamId: null }]), 'day,openTickets,teamId\r\n2026-11-02,3,\r\n');
});

test('quotes, commas and line breaks are quoted as RFC 4180 says', () => {
  assert.is(toCsv(['name'], [{ name: 'Desk "North", floor 2' }, { name: 'two\nlines' }]), 'name\r\n"Desk ""North"", floor 2"\r\n"two\nlines"\r\n');
});

test('text a spreadsheet would run as a formula is defused with a leading quote', () => {
  const rows = ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tcmd', 'plain'].map((name) => ({ name }));
  assert.is(toCsv(['name'], rows), `name\r\n"'=HYPERLINK(""http://x"")"\r\n'+1\r\n'-2+3\r\n'@SUM(A1)\r\n'\tcmd\r\nplain\r\n`);
  assert.is(toCsv(['delta'], [{ delta: -2 }]), 'delta\r\n-2\r\n', 'a number is no formula');
});

test.run();
