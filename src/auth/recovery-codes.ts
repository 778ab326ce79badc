import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

// Lowercase without 0/o, 1/l/i, so a code read off paper cannot be mistyped into another valid-looking one.
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;
// 12 symbols from 31 is about 59 bits: far beyond online guessing, which is all a recovery code faces.

export function newRecoveryCodes(count = 10): string[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`recovery code count must be a positive integer, got ${count}`);
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newRecoveryCode());
  return [...codes];
}

function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    // randomInt, not a byte modulo 31, so every symbol is equally likely.
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** SHA-256 rather than a slow KDF is enough: the codes are random, so there is no dictionary to run against them. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalise(code)).digest('hex');
}

/** Index of the unused code (a non-null hash) that `code` matches, or null. */
export function matchRecoveryCode(code: string, hashes: readonly (string | null)[]): number | null {
  if (normalise(code) === '') return null;
  const candidate = Buffer.from(hashRecoveryCode(code), 'hex');
  let found: number | null = null;
  // Every slot is compared, without stopping early, so timing reveals neither a match nor its position.
  hashes.forEach((hash, index) => {
    if (hash === null) return;
    const stored = Buffer.from(hash, 'hex');
    if (stored.length === candidate.length && timingSafeEqual(stored, candidate) && found === null) found = index;
  });
  return found;
}

function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}
