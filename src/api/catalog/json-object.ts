import { z } from 'zod';
import type { JsonObject } from '../../eventstore/types.js';

const MAX_DEPTH = 64;

/**
 * Nested no deeper than `MAX_DEPTH`, checked without recursion: a body of "[[[[…" within the size
 * limit would otherwise overflow the stack of whatever walks it next (a 500 instead of a 400).
 */
function shallowEnough(root: unknown): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) return false;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
  return true;
}

/** A JSON object from a parsed body (a request form, a requester's answers): any plain object, bounded in depth. */
export const boundedJsonObject = z
  .custom<JsonObject>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { message: 'expected an object' })
  .refine(shallowEnough, { message: `nested at most ${MAX_DEPTH} levels deep` });
