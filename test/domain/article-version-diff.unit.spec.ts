import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { VersionContent } from '../../src/domain/articles/index.js';
import { diffVersions } from '../../src/domain/articles/index.js';

const test = suite('article version diff');

const version = (n: number, content: Partial<VersionContent> = {}): VersionContent => ({ version: n, title: 'Printer jams', body: 'Open tray 2.\nRemove the paper.\n', tags: ['printer'], categoryId: null, audience: 'public', ...content });

test('given two identical versions, then nothing changed', () => {
  const diff = diffVersions(version(1), version(2));
  assert.equal(diff.changes, {});
  assert.equal(diff.body, { changed: false, linesAdded: 0, linesRemoved: 0, hunks: [], replacedWhole: false });
  assert.equal([diff.from, diff.to], [1, 2]);
});

test('given a category and tag change, then only those fields are reported', () => {
  const diff = diffVersions(version(1), version(2, { categoryId: 'c1', tags: ['printer', 'hardware'] }));
  assert.equal(diff.changes, { categoryId: { from: null, to: 'c1' }, tags: { added: ['hardware'], removed: [] } });
});

test('given a line edited in the body, then one hunk shows it with context', () => {
  const diff = diffVersions(version(1), version(2, { body: 'Open tray 2.\nRemove the jammed paper.\n' }));
  assert.equal(diff.body.hunks, [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, lines: [' Open tray 2.', '-Remove the paper.', '+Remove the jammed paper.'] }]);
  assert.equal([diff.body.linesAdded, diff.body.linesRemoved, diff.body.replacedWhole], [1, 1, false]);
});

test('a missing final newline is not reported as a change of the last line', () => {
  const diff = diffVersions(version(1, { body: 'One\nTwo' }), version(2, { body: 'One\nTwo\nThree' }));
  assert.equal(diff.body.hunks.flatMap((hunk) => hunk.lines), [' One', ' Two', '+Three']);
});

test('bodies too different to diff in bounded time are shown as replaced whole', () => {
  const lines = (prefix: string) => Array.from({ length: 6_000 }, (_, i) => `${prefix} ${i}`).join('\n');
  const diff = diffVersions(version(1, { body: lines('old') }), version(2, { body: lines('new') }));
  assert.is(diff.body.replacedWhole, true);
  assert.equal([diff.body.linesAdded, diff.body.linesRemoved, diff.body.hunks.length], [6_000, 6_000, 1]);
});

test.run();
