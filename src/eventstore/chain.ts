import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from './types.js';

/**
 * The tamper-evidence chain of a stream: each event's hash is SHA-256 over the previous event's
 * hash and a digest of the event's canonical serialization (type, data, metadata). Altering,
 * removing or reordering any stored event changes every hash after it, so a verifier that
 * recomputes the chain names the first event that no longer fits.
 *
 * The PostgreSQL store links the digests inside its append statement (`es_chain`, see the
 * migration), under the stream row's lock, so concurrent appends chain in commit order; the
 * digest is computed here, where the serialization is defined once for writer and verifier.
 */

/** The "previous hash" of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: one text for one value, whatever the key order. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface ChainedContent {
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** Hex SHA-256 of the event's canonical serialization. */
export function eventDigest(event: ChainedContent): string {
  return createHash('sha256').update(canonicalJson({ type: event.type, data: event.data, metadata: event.metadata }), 'utf8').digest('hex');
}

/** The event's link: SHA-256 over the previous link's bytes followed by the digest's bytes. */
export function linkHash(previous: string | null, digest: string): string {
  return createHash('sha256')
    .update(Buffer.from(previous ?? GENESIS_HASH, 'hex'))
    .update(Buffer.from(digest, 'hex'))
    .digest('hex');
}
