import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { JsonObject, JsonValue } from '../json.js';
import { ValidationError } from '../errors.js';
import type { FieldError } from '../errors.js';

/**
 * A service's request form: a JSON Schema (draft 2020-12 by default, or draft 7 when it says so)
 * describing the answers a requester gives when asking for the service. Forms are written by
 * admins but evaluated on every request, so only a sane subset is accepted: an object at the top,
 * bounded in size and depth, no remote references, only formats we check ourselves.
 */

export const MAX_FORM_BYTES = 32_768;
export const MAX_FORM_DEPTH = 12;
export const MAX_ANSWERS_BYTES = 65_536;
const MAX_PATTERN_LENGTH = 200;

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_7 = ['http://json-schema.org/draft-07/schema', 'http://json-schema.org/draft-07/schema#'];

/** Formats a form may use; anything else is refused when the form is written (strict mode). */
const FORMATS = {
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  'date-time': (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)),
  time: /^\d{2}:\d{2}(:\d{2})?$/,
  email: /^[^\s@]{1,64}@[^\s@]{1,255}$/,
  uri: (value: string) => URL.canParse(value),
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

function newAjv(draft7: boolean): Ajv | Ajv2020 {
  // No loadSchema: a $ref is resolved inside the form or not at all, so nothing is ever fetched.
  const options = { strict: true, allErrors: true, formats: FORMATS, validateSchema: true, addUsedSchema: false };
  return draft7 ? new Ajv(options) : new Ajv2020(options);
}

const pointer = (segments: readonly (string | number)[]): string => segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** What the structural rules refuse, before ajv sees the form; paths point into the form. */
function shapeProblems(form: JsonValue, at: string): FieldError[] {
  if (typeof form !== 'object' || form === null || Array.isArray(form)) return [{ path: at, message: 'a JSON Schema object' }];
  if (form.type !== 'object') return [{ path: `${at}/type`, message: 'the form must describe an object: "type": "object"' }];
  const schema = form.$schema;
  if (schema !== undefined && schema !== DRAFT_2020 && !(typeof schema === 'string' && DRAFT_7.includes(schema))) {
    return [{ path: `${at}/$schema`, message: `draft 2020-12 (${DRAFT_2020}) or draft 7 (${DRAFT_7[1]!})` }];
  }
  if (JSON.stringify(form).length > MAX_FORM_BYTES) return [{ path: at, message: `at most ${MAX_FORM_BYTES} bytes` }];
  const errors: FieldError[] = [];
  const walk = (value: JsonValue, path: readonly (string | number)[], depth: number): void => {
    if (errors.length >= 20) return;
    if (depth > MAX_FORM_DEPTH) {
      errors.push({ path: `${at}${pointer(path)}`, message: `nested at most ${MAX_FORM_DEPTH} levels deep` });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, index], depth + 1));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const here = [...path, key];
      if ((key === '$ref' || key === '$dynamicRef' || key === '$recursiveRef') && !(typeof child === 'string' && child.startsWith('#'))) {
        errors.push({ path: `${at}${pointer(here)}`, message: 'only references inside the form (starting with #)' });
      } else if (key === '$id') {
        // A base URI would let "#..." references resolve against somewhere else.
        errors.push({ path: `${at}${pointer(here)}`, message: 'forms may not set a base URI' });
      } else if (key === 'pattern' && typeof child === 'string' && child.length > MAX_PATTERN_LENGTH) {
        errors.push({ path: `${at}${pointer(here)}`, message: `patterns of at most ${MAX_PATTERN_LENGTH} characters` });
      }
      walk(child, here, depth + 1);
    }
  };
  walk(form, [], 0);
  return errors;
}

function ajvErrors(errors: readonly ErrorObject[] | null | undefined, at: string): FieldError[] {
  return (errors ?? []).slice(0, 50).map((error) => {
    const params = error.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
    const extra = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
    return { path: `${at}${error.instancePath}${extra !== undefined ? pointer([extra]) : ''}`, message: error.message ?? 'invalid' };
  });
}

/** Compiled forms, by their text: a form is compiled once however many requests use it. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 500;

function compile(form: JsonObject): ValidateFunction {
  const key = JSON.stringify(form);
  const hit = compiled.get(key);
  if (hit) {
    compiled.delete(key);
    compiled.set(key, hit);
    return hit;
  }
  // A fresh instance per form: ajv keeps every schema it compiled, and forms change over time.
  const validate = newAjv(typeof form.$schema === 'string' && DRAFT_7.includes(form.$schema)).compile(form);
  compiled.set(key, validate);
  if (compiled.size > MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  return validate;
}

/** The form as it may be stored, or a ValidationError whose paths point into `/requestForm`. */
export function requireRequestForm(form: JsonValue): JsonObject {
  const at = '/requestForm';
  const problems = shapeProblems(form, at);
  if (problems.length > 0) throw new ValidationError('invalid request form', problems);
  const object = form as JsonObject;
  const ajv = newAjv(typeof object.$schema === 'string' && DRAFT_7.includes(object.$schema));
  if (!ajv.validateSchema(object)) throw new ValidationError('invalid request form', ajvErrors(ajv.errors, at));
  try {
    compile(object);
  } catch (error) {
    // Strict mode: unknown keywords and formats, unresolvable references, bad patterns.
    throw new ValidationError('invalid request form', [{ path: at, message: error instanceof Error ? error.message.slice(0, 300) : 'not a usable JSON Schema' }]);
  }
  return object;
}

/**
 * Checks a requester's answers against the service's form; paths point into `/answers`. Without a
 * form there is nothing to answer, so only `{}` is accepted: answers nobody asked for are refused
 * rather than silently kept.
 */
export function requireAnswers(form: JsonObject | null, answers: JsonObject): JsonObject {
  if (JSON.stringify(answers).length > MAX_ANSWERS_BYTES) throw new ValidationError('the answers are too large', [{ path: '/answers', message: `at most ${MAX_ANSWERS_BYTES} bytes` }]);
  if (form === null) {
    if (Object.keys(answers).length > 0) throw new ValidationError('nothing to answer', [{ path: '/answers', message: 'only a service request for a service with a request form takes answers' }]);
    return answers;
  }
  const validate = compile(form);
  if (!validate(answers)) throw new ValidationError('the answers do not fit the request form', ajvErrors(validate.errors, '/answers'));
  return answers;
}
