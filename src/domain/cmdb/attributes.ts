import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonObject } from '../json.js';
import type { FieldError } from '../errors.js';
import { ValidationError } from '../errors.js';

/**
 * A fresh Ajv per compile: schemas may carry an `$id`, and one shared instance would refuse the
 * second revision of a schema under the same id. `strict` turns typos in keywords into a refusal
 * instead of a schema that silently accepts everything.
 */
function compile(schema: JsonObject): ValidateFunction {
  return new Ajv({ allErrors: true, strict: true }).compile(schema);
}

const COMPILED_KEPT = 256;
const compiled = new Map<string, ValidateFunction>();

/**
 * A fresh Ajv costs 10 to 20 ms to compile even a small schema (it compiles the meta-schema
 * first): paid on every asset write, a 10,000-row import would spend minutes here. Kept per
 * schema text, each still compiled by an Ajv of its own, so the `$id` reason above still holds.
 */
function validatorOf(schema: JsonObject): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = compile(schema);
    if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** The category's schema must compile before it is kept: a broken one would refuse every asset. */
export function requireAttributesSchema(schema: JsonObject): JsonObject {
  try {
    compile(schema);
  } catch (error) {
    throw new ValidationError('invalid attributes schema', [{ path: '/attributesSchema', message: error instanceof Error ? error.message : String(error) }]);
  }
  return schema;
}

/** Ajv's instance paths are relative to the attributes; clients see them under `/attributes`. */
export function attributeProblems(schema: JsonObject, attributes: JsonObject): FieldError[] {
  const validate = validatorOf(schema);
  if (validate(attributes)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => ({ path: `/attributes${pointerOf(error)}`, message: error.message ?? 'invalid' }));
}

/** A missing required property is reported on its parent; point at the property itself. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as { missingProperty?: unknown };
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') return `${error.instancePath}/${params.missingProperty.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return error.instancePath;
}
