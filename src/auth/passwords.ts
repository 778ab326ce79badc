import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm, Options as Argon2Options } from '@node-rs/argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Same cost as a real verify, so "no such user" cannot be told apart from "wrong password" by timing. */
  verifyAgainstNothing(password: string): Promise<false>;
}

// The binding declares Algorithm as an ambient const enum, which isolatedModules forbids us to read.
const ARGON2ID: Algorithm = 2;

// OWASP Password Storage Cheat Sheet, minimum configuration for Argon2id.
const MIN_MEMORY_KIB = 19456;
const MIN_ITERATIONS = 2;
const MIN_PARALLELISM = 1;

export function argon2idHasher(params: { memoryKiB?: number; iterations?: number; parallelism?: number } = {}): PasswordHasher {
  const options: Argon2Options = {
    algorithm: ARGON2ID,
    memoryCost: atLeast('memoryKiB', params.memoryKiB ?? MIN_MEMORY_KIB, MIN_MEMORY_KIB),
    timeCost: atLeast('iterations', params.iterations ?? MIN_ITERATIONS, MIN_ITERATIONS),
    parallelism: atLeast('parallelism', params.parallelism ?? MIN_PARALLELISM, MIN_PARALLELISM),
  };

  let dummyHash: Promise<string> | undefined;
  const dummy = (): Promise<string> => {
    // Hashed with this hasher's own parameters so the decoy costs exactly what a real account does.
    dummyHash ??= argon2Hash(randomBytes(32).toString('base64'), options).catch((error: unknown) => {
      dummyHash = undefined;
      throw error;
    });
    return dummyHash;
  };

  const verifyAgainstNothing = async (password: string): Promise<false> => {
    await argon2Verify(await dummy(), password);
    return false;
  };

  return {
    hash: (password) => argon2Hash(password, options),
    verify: async (hash, password) => {
      if (!isParsable(hash)) {
        // A corrupt stored hash means "cannot log in", and it should not be faster to find that out.
        return verifyAgainstNothing(password);
      }
      return argon2Verify(hash, password);
    },
    verifyAgainstNothing,
  };
}

function atLeast(name: string, value: number, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`argon2id ${name} must be an integer of at least ${minimum}, got ${value}`);
  }
  return value;
}

function isParsable(hash: string): boolean {
  try {
    parseOptions(hash);
    return true;
  } catch {
    return false;
  }
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
const PERSONAL_FRAGMENT_MIN_LENGTH = 4;

export interface PasswordContext {
  email?: string;
  name?: string;
  organization?: string;
}

/** Human-readable reasons to refuse the password; an empty array means it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  // Code points, not UTF-16 units, so an emoji or CJK character counts as the one character the user typed.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`Password must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`Password must be at most ${PASSWORD_MAX_LENGTH} characters long.`);

  const lower = password.toLowerCase();
  if (isCommon(lower)) problems.push('Password is one of the most commonly used passwords; choose something less predictable.');

  if (containsFragment(lower, emailLocalPart(context.email))) problems.push('Password must not contain your email address.');
  if (nameFragments(context.name).some((fragment) => containsFragment(lower, fragment))) problems.push('Password must not contain your name.');
  if (containsFragment(lower, context.organization?.trim())) problems.push("Password must not contain your organization's name.");
  return problems;
}

function isCommon(lowerPassword: string): boolean {
  const common = commonPasswords();
  if (common.has(lowerPassword)) return true;
  // "password1234!" is what people type when told "password" is too short; judge it by its stem.
  const stem = lowerPassword.replace(/[\d\p{P}\p{S}\s]+$/u, '');
  return stem.length > 0 && common.has(stem);
}

function emailLocalPart(email: string | undefined): string | undefined {
  if (email === undefined) return undefined;
  const at = email.lastIndexOf('@');
  return (at === -1 ? email : email.slice(0, at)).trim();
}

function nameFragments(name: string | undefined): string[] {
  if (name === undefined) return [];
  const whole = name.trim();
  // Either half of "Ada Lovelace" is as guessable as the whole.
  return [whole, ...whole.split(/[\s\-'.]+/u)];
}

function containsFragment(lowerPassword: string, fragment: string | undefined): boolean {
  if (fragment === undefined || [...fragment].length < PERSONAL_FRAGMENT_MIN_LENGTH) return false;
  return lowerPassword.includes(fragment.toLowerCase());
}

let commonSet: Set<string> | undefined;

function commonPasswords(): Set<string> {
  commonSet ??= new Set(loadCommonPasswords().map((entry) => entry.toLowerCase()));
  return commonSet;
}

// Required on first use rather than imported: the package decompresses all its dictionaries when loaded
// (tens of milliseconds), a cost that processes which never set a password should not pay at start-up.
function loadCommonPasswords(): readonly string[] {
  const loaded: unknown = createRequire(import.meta.url)('@zxcvbn-ts/language-common');
  if (typeof loaded === 'object' && loaded !== null && 'dictionary' in loaded) {
    const { dictionary } = loaded;
    if (typeof dictionary === 'object' && dictionary !== null && 'passwords-common' in dictionary) {
      const list: unknown = dictionary['passwords-common'];
      if (isStringArray(list)) return list;
    }
  }
  throw new TypeError('@zxcvbn-ts/language-common no longer exports dictionary["passwords-common"] as a list of strings');
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry: unknown) => typeof entry === 'string');
}
