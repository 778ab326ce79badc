import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { hashRecoveryCode, matchRecoveryCode, newRecoveryCodes } from '../../src/auth/recovery-codes.js';

const recovery = suite('recovery codes');

recovery('makes ten codes by default, all different', () => {
  const codes = newRecoveryCodes();
  assert.is(codes.length, 10);
  assert.is(new Set(codes).size, 10);
});

recovery('makes as many codes as asked for, and refuses a count that is not a positive integer', () => {
  assert.is(newRecoveryCodes(3).length, 3);
  for (const count of [0, -1, 2.5, Number.NaN]) assert.throws(() => newRecoveryCodes(count), RangeError);
});

recovery('writes codes as three dash-separated groups of four unambiguous lowercase characters', () => {
  for (const code of newRecoveryCodes(50)) {
    assert.match(code, /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/);
  }
});

recovery('draws codes from the whole alphabet, not a sliver of it', () => {
  const symbols = new Set(newRecoveryCodes(200).join('').replaceAll('-', ''));
  assert.is(symbols.size, 31);
});

recovery('hashes a code to SHA-256 hex, ignoring case, spaces and dashes', () => {
  const hash = hashRecoveryCode('k7fq-2mxa-9wbe');
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.is(hashRecoveryCode('K7FQ 2MXA 9WBE'), hash);
  assert.is(hashRecoveryCode(' k7fq2mxa9wbe '), hash);
  assert.is.not(hashRecoveryCode('k7fq-2mxa-9wbf'), hash);
});

recovery('finds the index of the matching code', () => {
  const codes = newRecoveryCodes();
  const hashes = codes.map(hashRecoveryCode);
  codes.forEach((code, index) => assert.is(matchRecoveryCode(code, hashes), index));
  assert.is(matchRecoveryCode(codes[4]!.toUpperCase().replaceAll('-', ' '), hashes), 4);
});

recovery('does not match a code whose slot is already used', () => {
  const codes = newRecoveryCodes();
  const hashes: (string | null)[] = codes.map(hashRecoveryCode);
  hashes[2] = null;
  assert.is(matchRecoveryCode(codes[2]!, hashes), null);
  assert.is(matchRecoveryCode(codes[3]!, hashes), 3);
});

recovery('does not match a wrong, empty or malformed code', () => {
  const hashes = newRecoveryCodes().map(hashRecoveryCode);
  assert.is(matchRecoveryCode('k7fq-2mxa-9wbe', hashes), null);
  assert.is(matchRecoveryCode('', hashes), null);
  assert.is(matchRecoveryCode(' - ', hashes), null);
  assert.is(matchRecoveryCode('123456', hashes), null);
  assert.is(matchRecoveryCode('k7fq-2mxa-9wbe', []), null);
});

recovery('skips a stored hash of the wrong shape instead of throwing', () => {
  const [code] = newRecoveryCodes(1);
  assert.is(matchRecoveryCode(code!, ['not-hex', 'abcd', hashRecoveryCode(code!)]), 2);
});

recovery.run();
