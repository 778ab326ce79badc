import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that the same body sent with its fields in
 * another order is still the same request. An absent body is '' — distinct from `null`.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((name) => [name, sortKeys(record[name])]),
    );
  }
  return value;
}

/** sha256 (hex) of what makes a request this request: method, path with query, canonical body. */
export function requestFingerprint(request: { readonly method: string; readonly path: string; readonly query: string; readonly body: unknown }): string {
  // Newlines cannot occur in a method or a URL, so the parts cannot run into each other.
  return createHash('sha256').update(`${request.method}\n${request.path}\n${request.query}\n${canonicalJson(request.body)}`).digest('hex');
}

/**
 * sha256 (hex) of a key in its scope: what the log's events carry, so that neither the client's
 * key nor who sent it is written into the immutable log as such.
 */
export function keyDigest(scope: string, key: string): string {
  return createHash('sha256').update(JSON.stringify([scope, key])).digest('hex');
}
