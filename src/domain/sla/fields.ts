import { ValidationError } from '../errors.js';

/** Admins pick calendars and policies from lists, and agents read the name on a ticket: short and present. */
export function requireName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 120) throw new ValidationError('invalid name', [{ path: '/name', message: 'between 1 and 120 characters' }]);
  return name;
}

/**
 * JSON text with object keys sorted, so two definitions compare equal whatever order their keys
 * arrived in (events read back from a jsonb column come in the database's key order).
 */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
