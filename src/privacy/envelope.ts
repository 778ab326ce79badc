import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JsonObject, JsonValue } from '../eventstore/types.js';

/**
 * A personal field as the log stores it: AES-256-GCM under the subject's data key. The event id
 * and field name are authenticated with it, so a ciphertext moved to another event or field
 * fails to open instead of showing someone's data in the wrong place.
 */
export interface SealedField {
  readonly enc: 'A256GCM';
  /** Whose key seals it (a user id). */
  readonly sub: string;
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

const IV_BYTES = 12;

export function isSealed(value: JsonValue | undefined): value is JsonObject & SealedField {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    value.enc === 'A256GCM' &&
    typeof value.sub === 'string' &&
    typeof value.iv === 'string' &&
    typeof value.ct === 'string' &&
    typeof value.tag === 'string'
  );
}

export function seal(key: Buffer, subjectId: string, context: string, value: JsonValue): JsonObject & SealedField {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { enc: 'A256GCM', sub: subjectId, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Throws when the ciphertext does not authenticate: tampering or a wrong key, never "forgotten". */
export function open(key: Buffer, sealed: SealedField, context: string): JsonValue {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(text) as JsonValue;
}

/** What binds a sealed field to its place: the event's id and the field's name. */
export const fieldContext = (eventId: string, field: string): string => `${eventId}/${field}`;
