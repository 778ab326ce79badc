import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

// RFC 6238 defaults, the only parameters every authenticator app honours; otpauthUrl states them anyway.
const ALGORITHM = 'sha1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;

/** A fresh base32 shared secret of 160 bits, the HMAC-SHA1 block-size recommendation of RFC 4226. */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

export function otpauthUrl(input: { secret: string; accountName: string; issuer: string }): string {
  return generateURI({ issuer: input.issuer, label: input.accountName, secret: input.secret, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS });
}

/**
 * The absolute time step (unix seconds / 30) whose code equals `code`, looking one step either side of `now`
 * to absorb clock drift and typing time. Returning the step, not a boolean, lets the caller refuse a step
 * it has already accepted; that memory is the caller's state, which keeps this function pure.
 */
export function matchTotp(secret: string, code: string, now: Date): { step: number } | null {
  // Apps show "123 456"; people paste it as shown.
  const token = code.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(token)) return null;
  const epoch = unixSeconds(now);
  // A tolerance of one period either side of any instant spans exactly the previous, current and next step.
  const result = verifySync({ secret, token, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS, epoch, epochTolerance: PERIOD_SECONDS });
  return result.valid ? { step: Math.floor(epoch / PERIOD_SECONDS) + result.delta } : null;
}

export function totpCodeAt(secret: string, at: Date): string {
  return generateSync({ secret, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS, epoch: unixSeconds(at) });
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
