import { z } from 'zod';
import type { JsonObject } from '../../eventstore/types.js';

/** The body arrived as parsed JSON, so any plain object in it is a JSON object. */
export const jsonObject = z.custom<JsonObject>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { message: 'expected an object' });
