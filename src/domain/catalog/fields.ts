import { ValidationError } from '../errors.js';

/** Catalog entries are picked from lists by requesters: a name must show, and stay short enough to. */
export function requireName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 120) throw new ValidationError('invalid name', [{ path: '/name', message: 'between 1 and 120 characters' }]);
  return name;
}

export function requireDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > 2000) throw new ValidationError('invalid description', [{ path: '/description', message: 'at most 2000 characters' }]);
  return description;
}
