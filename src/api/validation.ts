import type { z } from 'zod';
import { ValidationError } from '../domain/errors.js';
import type { FieldError } from '../domain/errors.js';

/**
 * Parses request input with a schema; any mismatch is a 400 listing each field by JSON pointer.
 * Object schemas are strict, so an unknown field (a role smuggled into a profile edit) is refused.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, where: 'body' | 'query' = 'body'): z.infer<Schema> {
  const result = schema.safeParse(input ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const base = `/${issue.path.map((segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
    if (keys.length > 0) return { path: `${base === '/' ? '' : base}/${keys.join(',')}`, message: `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}` };
    return { path: base === '/' ? '' : base, message: issue.message };
  });
  throw new ValidationError(where === 'body' ? 'the request body is not valid' : 'the query is not valid', errors);
}
