import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { correctableWords, parseQueryText, vocabularyOf } from '../../src/search/query-text.js';

const test = suite('search: reading what people type');

test('all words must match; the last also matches as a prefix', () => {
  assert.equal(parseQueryText('printer jam'), [
    [
      { kind: 'word', text: 'printer', negated: false, prefix: false },
      { kind: 'word', text: 'jam', negated: false, prefix: true },
    ],
  ]);
});

test('quoted words are a phrase, -word excludes, "or" separates alternatives', () => {
  assert.equal(parseQueryText('"paper jam" -tray or toner'), [
    [
      { kind: 'phrase', text: 'paper jam', negated: false },
      { kind: 'word', text: 'tray', negated: true, prefix: false },
    ],
    [{ kind: 'word', text: 'toner', negated: false, prefix: true }],
  ]);
});

test('punctuation alone is no query; an unclosed quote still makes a phrase', () => {
  assert.equal(parseQueryText(' - ,; "" '), []);
  assert.equal(parseQueryText('"paper jam'), [[{ kind: 'phrase', text: 'paper jam', negated: false }]]);
});

test('caps the number of clauses', () => {
  assert.is(parseQueryText(Array.from({ length: 40 }, (_, n) => `w${n}`).join(' '))[0]!.length, 16);
});

test('offers only plain words of four letters or more for spelling correction', () => {
  assert.equal(correctableWords(parseQueryText('pritner INC-000123 -excluded "a phrase" vpn Scnaner')), ['pritner', 'scnaner']);
});

test('builds the vocabulary from words, not numbers, lower-cased and once each', () => {
  assert.equal(vocabularyOf(['Printer printer 2026 on floor', 'FLOOR']), ['printer', 'floor']);
});

test.run();
