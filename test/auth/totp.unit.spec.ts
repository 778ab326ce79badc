import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { matchTotp, newTotpSecret, otpauthUrl, totpCodeAt } from '../../src/auth/totp.js';

const PERIOD_MS = 30_000;
// Mid-step, and on both edges of a step, so drift tolerance is tested where off-by-one errors live.
const midStep = new Date('2026-11-25T10:00:15.000Z');
const stepStart = new Date('2026-11-25T10:00:00.000Z');
const stepEnd = new Date('2026-11-25T10:00:29.999Z');
const stepOf = (at: Date): number => Math.floor(at.getTime() / PERIOD_MS);
const shift = (at: Date, steps: number): Date => new Date(at.getTime() + steps * PERIOD_MS);
// A fixed secret and fixed instants make every code deterministic, so no assertion needs a collision escape hatch.
const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const totp = suite('time-based one-time passwords');

totp('makes a new 160-bit base32 secret each time', () => {
  const first = newTotpSecret();
  assert.match(first, /^[A-Z2-7]{32}$/);
  assert.is.not(newTotpSecret(), first);
});

totp('works with a freshly made secret', () => {
  const fresh = newTotpSecret();
  assert.equal(matchTotp(fresh, totpCodeAt(fresh, midStep), midStep), { step: stepOf(midStep) });
});

totp('matches the code of the current step and returns that step', () => {
  for (const now of [midStep, stepStart, stepEnd]) {
    assert.equal(matchTotp(secret, totpCodeAt(secret, now), now), { step: stepOf(now) });
  }
});

totp('accepts the code from one step before, returning that earlier step', () => {
  for (const now of [midStep, stepStart, stepEnd]) {
    const earlier = shift(now, -1);
    assert.equal(matchTotp(secret, totpCodeAt(secret, earlier), now), { step: stepOf(now) - 1 });
  }
});

totp('accepts the code from one step after, returning that later step', () => {
  for (const now of [midStep, stepStart, stepEnd]) {
    const later = shift(now, 1);
    assert.equal(matchTotp(secret, totpCodeAt(secret, later), now), { step: stepOf(now) + 1 });
  }
});

totp('refuses a code two steps away in either direction', () => {
  for (const now of [midStep, stepStart, stepEnd]) {
    for (const steps of [-2, 2]) {
      assert.is(matchTotp(secret, totpCodeAt(secret, shift(now, steps)), now), null);
    }
  }
});

totp('refuses a code made with another secret', () => {
  const other = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.is(matchTotp(secret, totpCodeAt(other, midStep), midStep), null);
});

totp('accepts a code typed with spaces, as apps display it', () => {
  const code = totpCodeAt(secret, midStep);
  assert.equal(matchTotp(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, midStep), { step: stepOf(midStep) });
});

totp('refuses anything that is not exactly six digits', () => {
  const code = totpCodeAt(secret, midStep);
  for (const wrong of ['', 'abcdef', `${code.slice(0, 5)}x`, code.slice(0, 5), `${code}0`, `-${code.slice(1)}`, '１２３４５６', 'k7fq-2mxa-9wbe']) {
    assert.is(matchTotp(secret, wrong, midStep), null, wrong);
  }
});

totp('produces six-digit codes that match the RFC 6238 SHA-1 test vector', () => {
  // RFC 6238 appendix B: the ASCII key "12345678901234567890" (base32 below) at 59 s gives 94287082 in 8 digits.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.is(totpCodeAt(rfcSecret, new Date(59_000)), '287082');
  assert.is(totpCodeAt(rfcSecret, new Date(1_111_111_109_000)), '081804');
});

totp('builds an otpauth URL naming the issuer, account and secret', () => {
  const url = new URL(otpauthUrl({ secret, accountName: 'ada@example.com', issuer: 'Acme ITSM' }));
  assert.is(url.protocol, 'otpauth:');
  assert.is(url.host, 'totp');
  assert.is(decodeURIComponent(url.pathname), '/Acme ITSM:ada@example.com');
  assert.is(url.searchParams.get('secret'), secret);
  assert.is(url.searchParams.get('issuer'), 'Acme ITSM');
  assert.is(url.searchParams.get('digits') ?? '6', '6');
  assert.is(url.searchParams.get('period') ?? '30', '30');
  assert.is((url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase(), 'SHA1');
});

totp.run();
