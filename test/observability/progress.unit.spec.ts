import { Writable } from 'node:stream';
import { pino } from 'pino';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { Progress, shareOfLog } from '../../src/observability/progress.js';

function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const test = suite('observability: progress of long runs');

test('on a terminal: a bar redrawn in place with the count and the rate, then a summary line', () => {
  let now = 0;
  let drawn = '';
  const { logger, lines } = capture();
  const progress = new Progress({ label: 'rebuilding tickets', unit: 'events', logger, terminal: { write: (text) => (drawn += text) }, now: () => now });
  now = 1_000;
  progress.update(500, 0.25);
  assert.match(drawn, /\rrebuilding tickets \[######\.{18}\] {2}25% 500 events, 500 events\/s/);
  now = 1_050;
  drawn = '';
  progress.update(600, 0.3);
  assert.is(drawn, '', 'not redrawn more often than ten times a second');
  now = 2_000;
  progress.update(2_000, 1);
  progress.finish();
  assert.match(drawn, /100% 2,000 events, 1,000 events\/s.*\n$/);
  assert.equal(lines.map((line) => [line.msg, line.events, line.perSecond]), [['rebuilding tickets: done', 2_000, 1_000]]);
});

test('without a terminal: a log line every few seconds with count, rate and percent', () => {
  let now = 0;
  const { logger, lines } = capture();
  const progress = new Progress({ label: 'refilling the search index', unit: 'documents', logger, terminal: null, logEveryMs: 5_000, now: () => now });
  for (let second = 1; second <= 12; second += 1) {
    now = second * 1_000;
    progress.update(second * 100);
  }
  progress.finish({ adapter: 'postgres' });
  assert.equal(
    lines.map((line) => [line.msg, line.documents, line.perSecond]),
    [
      ['refilling the search index', 500, 100],
      ['refilling the search index', 1_000, 100],
      ['refilling the search index: done', 1_200, 100],
    ],
  );
  assert.is(lines.at(-1)?.adapter, 'postgres');
});

test('share of the log: how far a cursor is towards a target', () => {
  assert.is(shareOfLog({ prepare: 250n }, { prepare: 1_000n }), 0.25);
  assert.is(shareOfLog({ prepare: 1_200n }, { prepare: 1_000n }), 1);
  assert.is(shareOfLog({ prepare: 0n }, { prepare: 0n }), 1);
});

test.run();
