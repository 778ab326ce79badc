import type { JsonObject, JsonValue } from '../json.js';
import type { FieldError } from '../errors.js';
import { ValidationError } from '../errors.js';

/**
 * An asset as one row of a spreadsheet: the columns an import reads and an export writes, so a
 * tenant's export imports into another tenant as it stands. Category and owner travel by name and
 * email (ids mean nothing in another tenant); custom attributes travel as `attr.<name>` columns.
 */
export const ASSET_SHEET_FIELDS = ['tag', 'name', 'category', 'status', 'owner', 'location', 'serial', 'vendor', 'purchaseDate', 'purchaseCost', 'warrantyEnd'] as const;
export type AssetSheetField = (typeof ASSET_SHEET_FIELDS)[number];
export const ATTRIBUTE_COLUMN_PREFIX = 'attr.';

const REQUIRED_FIELDS: readonly AssetSheetField[] = ['tag', 'name', 'category'];

export type AssetSheetColumn = { readonly kind: 'field'; readonly field: AssetSheetField } | { readonly kind: 'attribute'; readonly name: string };

/** A row's cells by column; an empty cell is absent. */
export interface AssetSheetRow {
  readonly fields: Readonly<Partial<Record<AssetSheetField, string>>>;
  readonly attributes: Readonly<Record<string, string>>;
}

/** A problem with one cell, named by its column as the file's author sees it. */
export interface RowProblem {
  readonly field: string;
  readonly message: string;
}

/** Every problem of the header at once, each pointing at its column (0-based): nothing is imported under a header we cannot read. */
export function readAssetSheetHeader(names: readonly string[]): AssetSheetColumn[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  const columns = names.map((raw, index): AssetSheetColumn => {
    const name = raw.trim();
    if (seen.has(name)) problems.push({ path: `/columns/${index}`, message: `the column "${name}" appears twice` });
    seen.add(name);
    if (name.startsWith(ATTRIBUTE_COLUMN_PREFIX)) {
      const attribute = name.slice(ATTRIBUTE_COLUMN_PREFIX.length);
      if (attribute === '') problems.push({ path: `/columns/${index}`, message: `"${ATTRIBUTE_COLUMN_PREFIX}" needs an attribute name after it` });
      return { kind: 'attribute', name: attribute };
    }
    const field = ASSET_SHEET_FIELDS.find((candidate) => candidate === name);
    if (field === undefined) {
      problems.push({ path: `/columns/${index}`, message: `unknown column "${name}"; expected ${ASSET_SHEET_FIELDS.join(', ')} or ${ATTRIBUTE_COLUMN_PREFIX}<name>` });
      return { kind: 'field', field: 'tag' };
    }
    return { kind: 'field', field };
  });
  for (const required of REQUIRED_FIELDS) {
    if (!seen.has(required)) problems.push({ path: '/columns', message: `the column "${required}" is required` });
  }
  if (problems.length > 0) throw new ValidationError('the CSV header is not valid', problems);
  return columns;
}

/** Cells beyond the header's columns, or missing ones, make the row unreadable rather than shifted. */
export function readAssetSheetRow(columns: readonly AssetSheetColumn[], cells: readonly string[]): AssetSheetRow | RowProblem {
  if (cells.length !== columns.length) return { field: 'row', message: `has ${cells.length} cells where the header has ${columns.length} columns` };
  const fields: Partial<Record<AssetSheetField, string>> = {};
  const attributes: Record<string, string> = {};
  columns.forEach((column, index) => {
    const cell = cells[index]!;
    if (cell.trim() === '') return;
    if (column.kind === 'field') fields[column.field] = cell;
    else attributes[column.name] = cell;
  });
  return { fields, attributes };
}

/**
 * A spreadsheet holds text; the category's schema says what each attribute is. A cell that reads
 * as a type the schema allows becomes that type; one that does not stays text, so the schema's
 * own check names the problem ("must be integer") as it would for a JSON write.
 */
export function attributesFromCells(schema: JsonObject, cells: Readonly<Record<string, string>>): JsonObject {
  const properties = schema.properties;
  const attributes: JsonObject = {};
  for (const [name, cell] of Object.entries(cells)) {
    const property = isObject(properties) ? properties[name] : undefined;
    attributes[name] = coerce(cell, isObject(property) ? typesOf(property) : []);
  }
  return attributes;
}

function typesOf(property: JsonObject): string[] {
  const type = property.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((entry): entry is string => typeof entry === 'string');
  return [];
}

function coerce(cell: string, types: readonly string[]): JsonValue {
  const text = cell.trim();
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (types.includes('boolean')) {
    const lowered = text.toLowerCase();
    if (['true', 'yes', '1'].includes(lowered)) return true;
    if (['false', 'no', '0'].includes(lowered)) return false;
  }
  if (types.includes('object') || types.includes('array')) {
    try {
      const parsed = JSON.parse(text) as JsonValue;
      const fits = (types.includes('array') && Array.isArray(parsed)) || (types.includes('object') && isObject(parsed));
      if (fits && depthOf(parsed) <= MAX_DEPTH) return parsed;
    } catch {
      // not JSON: kept as text for the schema to refuse
    }
  }
  return cell;
}

/** As deep as a JSON request body may be: recursive code downstream (the schema check, storage) must never meet deeper. */
const MAX_DEPTH = 64;

function depthOf(value: JsonValue): number {
  let deepest = 0;
  const pending: Array<[JsonValue, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_DEPTH) return deepest;
    for (const inner of Object.values(current)) pending.push([inner, depth + 1]);
  }
  return deepest;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The decider's problems carry JSON pointers into an asset; the file's author thinks in columns. */
export function rowProblemOf(problem: FieldError): RowProblem {
  const attribute = /^\/attributes\/(.+)$/.exec(problem.path);
  if (attribute) return { field: `${ATTRIBUTE_COLUMN_PREFIX}${attribute[1]!.replace(/~1/g, '/').replace(/~0/g, '~')}`, message: problem.message };
  const field = COLUMN_OF_PATH[problem.path] ?? problem.path.replace(/^\//, '');
  return { field: field === '' ? 'row' : field, message: problem.message };
}

const COLUMN_OF_PATH: Readonly<Record<string, string>> = { '/categoryId': 'category', '/ownerUserId': 'owner', '/attributes': 'attributes' };

/** The cell an attribute value becomes: text as it is, numbers and booleans spelled out, structures as JSON. */
export function cellOfAttribute(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
