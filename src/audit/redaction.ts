import type { JsonValue } from '../eventstore/types.js';

/**
 * Credentials recorded in identity events (password and token hashes, TOTP secrets, recovery code
 * hashes) are the system's, not history an auditor reads: every export and replay shows them as
 * redacted. The chain is computed over the stored event, so a redacted export is verified through
 * the verifier (API or CLI), not by recomputing links from the export.
 */
const SECRET_KEY = /(hash|hashes|secret)$/i;
export const REDACTED = '[redacted]';

export function withoutSecrets<T extends JsonValue | undefined>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? REDACTED : withoutSecrets(inner)])) as T;
}
