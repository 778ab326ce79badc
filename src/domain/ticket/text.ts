import { ValidationError } from '../errors.js';

/** The trimmed text, or a 400 naming the field when it is empty or longer than `max`. */
export function requireText(raw: string, path: string, what: string, max: number): string {
  const text = raw.trim();
  if (text.length === 0 || text.length > max) throw new ValidationError(`${what} is required`, [{ path, message: `between 1 and ${max} characters` }]);
  return text;
}
