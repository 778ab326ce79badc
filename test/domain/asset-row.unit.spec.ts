import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { attributesFromCells, cellOfAttribute, readAssetSheetHeader, readAssetSheetRow, rowProblemOf } from '../../src/domain/cmdb/asset-row.js';
import { ValidationError } from '../../src/domain/errors.js';

const header = suite('asset sheet: the header');

header('reads known columns and attr.<name> columns in file order', () => {
  assert.equal(readAssetSheetHeader(['tag', ' name ', 'category', 'attr.ramGb', 'owner']), [
    { kind: 'field', field: 'tag' },
    { kind: 'field', field: 'name' },
    { kind: 'field', field: 'category' },
    { kind: 'attribute', name: 'ramGb' },
    { kind: 'field', field: 'owner' },
  ]);
});

header('refuses unknown, repeated and nameless columns, and missing required ones, all at once', () => {
  try {
    readAssetSheetHeader(['tag', 'colour', 'tag', 'attr.']);
    assert.unreachable('a bad header was accepted');
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.equal(
      (error as ValidationError).errors.map((problem) => problem.path),
      ['/columns/1', '/columns/2', '/columns/3', '/columns', '/columns'],
    );
    assert.match((error as ValidationError).errors[0]!.message, /unknown column "colour"/);
  }
});

const row = suite('asset sheet: a row');
const columns = readAssetSheetHeader(['tag', 'name', 'category', 'location', 'attr.ramGb']);

row('keeps non-empty cells by column; an empty cell is absent', () => {
  assert.equal(readAssetSheetRow(columns, ['LT-1', 'Laptop', 'Laptops', ' ', '16']), { fields: { tag: 'LT-1', name: 'Laptop', category: 'Laptops' }, attributes: { ramGb: '16' } });
});

row('a row with more or fewer cells than the header is a row problem, not a shifted row', () => {
  assert.equal(readAssetSheetRow(columns, ['LT-1', 'Laptop']), { field: 'row', message: 'has 2 cells where the header has 5 columns' });
});

const coercion = suite('asset sheet: attribute cells');
const schema = {
  type: 'object',
  properties: { ramGb: { type: 'integer' }, price: { type: 'number' }, ssd: { type: 'boolean' }, ports: { type: 'array' }, extra: { type: 'object' }, model: { type: 'string' }, either: { type: ['null', 'number'] } },
};

coercion('turns text into the type the schema gives each attribute', () => {
  assert.equal(attributesFromCells(schema, { ramGb: '16', price: '-12.5', ssd: 'Yes', ports: '["usb"]', extra: '{"a":1}', model: '0042', either: '3' }), {
    ramGb: 16,
    price: -12.5,
    ssd: true,
    ports: ['usb'],
    extra: { a: 1 },
    model: '0042',
    either: 3,
  });
  assert.equal(attributesFromCells(schema, { ssd: 'no' }), { ssd: false });
});

coercion('leaves text that does not read as the type for the schema to refuse', () => {
  assert.equal(attributesFromCells(schema, { ramGb: 'lots', ssd: 'maybe', ports: '{"a":1}', extra: 'not json' }), { ramGb: 'lots', ssd: 'maybe', ports: '{"a":1}', extra: 'not json' });
});

coercion('a structure nested deeper than a request body may be stays text', () => {
  const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
  assert.equal(attributesFromCells(schema, { ports: deep }), { ports: deep });
});

coercion('an attribute the schema does not describe stays text', () => {
  assert.equal(attributesFromCells({ type: 'object' }, { note: '42' }), { note: '42' });
});

coercion('exports each value as the cell the import reads back', () => {
  assert.equal([cellOfAttribute('a, b'), cellOfAttribute(16), cellOfAttribute(true), cellOfAttribute(['usb']), cellOfAttribute(null), cellOfAttribute(undefined)], ['a, b', '16', 'true', '["usb"]', '', '']);
  assert.equal(attributesFromCells(schema, { ports: cellOfAttribute(['usb', 'hdmi']), ssd: cellOfAttribute(false) }), { ports: ['usb', 'hdmi'], ssd: false });
});

const problems = suite('asset sheet: problems by column');

problems('names the column of a decider problem', () => {
  assert.equal(
    [{ path: '/categoryId', message: 'm' }, { path: '/ownerUserId', message: 'm' }, { path: '/attributes/ram~1gb', message: 'm' }, { path: '/attributes', message: 'm' }, { path: '/purchaseDate', message: 'm' }, { path: '', message: 'm' }].map((problem) => rowProblemOf(problem).field),
    ['category', 'owner', 'attr.ram/gb', 'attributes', 'purchaseDate', 'row'],
  );
});

header.run();
row.run();
coercion.run();
problems.run();
