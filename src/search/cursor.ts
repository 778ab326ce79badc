import { ValidationError } from '../domain/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(): never {
  throw new ValidationError('invalid cursor', [{ path: '/cursor', message: 'not a cursor this search handed out' }]);
}

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Keyset position in a score-ordered answer: the last hit's score (as the database printed it) and id. */
export function encodeScoreCursor(score: string, id: string): string {
  return encode(['s', score, id]);
}

export function decodeScoreCursor(cursor: string): { score: string; id: string } {
  const value = decode(cursor);
  if (Array.isArray(value) && value.length === 3 && value[0] === 's' && typeof value[1] === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value[1]) && typeof value[2] === 'string' && UUID.test(value[2])) {
    return { score: value[1], id: value[2] };
  }
  return invalid();
}

/** An offset into a ranked answer, for engines that page by offset (Meilisearch). */
export function encodeOffsetCursor(offset: number): string {
  return encode(['o', offset]);
}

export function decodeOffsetCursor(cursor: string): number {
  const value = decode(cursor);
  if (Array.isArray(value) && value.length === 2 && value[0] === 'o' && Number.isSafeInteger(value[1]) && (value[1] as number) >= 0 && (value[1] as number) <= 10_000) return value[1] as number;
  return invalid();
}
