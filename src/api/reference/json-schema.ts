import { z } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * What a client must send, from the very schema that validates it: the input side, before
 * defaults and transforms apply (`?count=true` is a string on the wire, a boolean after parsing).
 * Checks zod cannot express in JSON Schema (refinements, custom objects) are left out, not guessed.
 */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  const { $schema: _dialect, ...rest } = generated;
  return rest;
}

/** Whether a body may be left out: the schema accepts `undefined` (an optional empty object, a defaulted one). */
export function bodyIsOptional(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });

export const uuid: JsonSchema = { type: 'string', format: 'uuid' };
export const instant: JsonSchema = { type: 'string', format: 'date-time' };

/** A keyset page of the API's list convention: `{ data, nextCursor }`. */
export function page(items: JsonSchema, extra: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: { data: { type: 'array', items }, nextCursor: { ...nullable({ type: 'string' }), description: 'Pass as `cursor` for the next page; null on the last page.' }, ...extra },
  };
}

/** `{ data: [...] }` without paging: lists that are bounded by their owner (a ticket's comments). */
export function all(items: JsonSchema): JsonSchema {
  return { type: 'object', required: ['data'], properties: { data: { type: 'array', items } } };
}

/**
 * A resource whose full shape is not described field by field: the fields every such resource
 * has, and the rest left open rather than guessed.
 */
export function resource(description: string, versioned = true): JsonSchema {
  return {
    type: 'object',
    description,
    required: versioned ? ['id', 'version'] : ['id'],
    properties: { id: uuid, ...(versioned ? { version: { type: 'integer', minimum: 0, description: 'The stream revision; also sent as the ETag.' } } : {}) },
    additionalProperties: true,
  };
}
