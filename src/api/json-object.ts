import { z } from 'zod';
import type { JsonObject } from '../eventstore/types.js';

/**
 * A JSON object from a parsed body (custom attributes, a request form, a requester's answers):
 * any plain object. Its depth is already bounded by the body parser (src/api/middleware/json-body.ts).
 */
export const jsonObject = z.custom<JsonObject>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { message: 'expected an object' });
