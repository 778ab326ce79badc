import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { argon2idHasher, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from '../../src/auth/passwords.js';

const hasher = argon2idHasher();
const hashing = suite('password hashing');

hashing('verifies the password it hashed', async () => {
  const hash = await hasher.hash('mellow-otter-juggles-42');
  assert.is(await hasher.verify(hash, 'mellow-otter-juggles-42'), true);
});

hashing('refuses a wrong password', async () => {
  const hash = await hasher.hash('mellow-otter-juggles-42');
  assert.is(await hasher.verify(hash, 'mellow-otter-juggles-43'), false);
  assert.is(await hasher.verify(hash, ''), false);
});

hashing('salts every hash, so the same password never hashes the same twice', async () => {
  assert.is.not(await hasher.hash('mellow-otter-juggles-42'), await hasher.hash('mellow-otter-juggles-42'));
});

hashing('answers false, not an error, for a malformed hash', async () => {
  for (const malformed of ['', 'not a hash', '$argon2id$v=19$m=19456,t=2,p=1$', '$2b$10$abcdefghijklmnopqrstuv']) {
    assert.is(await hasher.verify(malformed, 'mellow-otter-juggles-42'), false, malformed);
  }
});

hashing('writes argon2id with the OWASP minimum parameters by default', async () => {
  assert.match(await hasher.hash('mellow-otter-juggles-42'), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
});

hashing('accepts stronger parameters, and any hasher verifies a hash by the parameters written in it', async () => {
  const stronger = argon2idHasher({ memoryKiB: 32768, iterations: 3, parallelism: 2 });
  const hash = await stronger.hash('mellow-otter-juggles-42');
  assert.match(hash, /^\$argon2id\$v=19\$m=32768,t=3,p=2\$/);
  assert.is(await hasher.verify(hash, 'mellow-otter-juggles-42'), true);
});

hashing('refuses parameters below the OWASP minimum', () => {
  assert.throws(() => argon2idHasher({ memoryKiB: 19455 }), RangeError);
  assert.throws(() => argon2idHasher({ iterations: 1 }), RangeError);
  assert.throws(() => argon2idHasher({ parallelism: 0 }), RangeError);
  assert.throws(() => argon2idHasher({ memoryKiB: 19456.5 }), RangeError);
  assert.throws(() => argon2idHasher({ iterations: Number.NaN }), RangeError);
});

hashing('verifying against nothing answers false for any password', async () => {
  assert.is(await hasher.verifyAgainstNothing('mellow-otter-juggles-42'), false);
  assert.is(await hasher.verifyAgainstNothing(''), false);
});

hashing.run();

const policy = suite('password policy');
const noContext = {};

policy('accepts a long, uncommon password', () => {
  assert.equal(passwordProblems('mellow-otter-juggles-42', noContext), []);
  assert.equal(passwordProblems('correct horse battery staple', noContext), []);
});

policy(`rejects a password shorter than ${PASSWORD_MIN_LENGTH} characters`, () => {
  const problems = passwordProblems('x7#kQ2!vR9m', noContext);
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /at least 12 characters/);
  assert.equal(passwordProblems('x7#kQ2!vR9mZ', noContext), []);
});

policy('counts characters, not UTF-16 units, so emoji and CJK count once each', () => {
  assert.is(passwordProblems('🔑'.repeat(11), noContext).length, 1);
  assert.equal(passwordProblems('🔑'.repeat(12), noContext), []);
  assert.equal(passwordProblems('鍵鍵鍵鍵錠錠錠錠扉扉扉扉', noContext), []);
});

policy(`rejects a password longer than ${PASSWORD_MAX_LENGTH} characters`, () => {
  const longest = 'mellow-otter-juggles-'.repeat(13).slice(0, PASSWORD_MAX_LENGTH);
  assert.equal(passwordProblems(longest, noContext), []);
  const problems = passwordProblems(`${longest}x`, noContext);
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /at most 256 characters/);
});

policy('rejects one of the commonest passwords, whatever its case', () => {
  for (const common of ['qazwsxedcrfv', 'LeaveMeAlone', 'ADMINISTRATOR']) {
    assert.ok(passwordProblems(common, noContext).some((p) => /common/.test(p)), common);
  }
});

policy('rejects one of the commonest passwords even with digits or punctuation appended', () => {
  for (const padded of ['password1234!', 'Password2026!!', 'iloveyou12345', 'monkey!!!!!!', 'Sunshine 2024.']) {
    const problems = passwordProblems(padded, noContext);
    assert.equal(problems.filter((p) => /common/.test(p)).length, 1, padded);
  }
});

policy('reports every problem at once', () => {
  const problems = passwordProblems('password', noContext);
  assert.is(problems.length, 2);
});

policy("rejects a password containing the email's local part", () => {
  const problems = passwordProblems('my-ADA.LOVE-is-strong', { email: 'ada.love@example.com' });
  assert.equal(problems, ['Password must not contain your email address.']);
});

policy("rejects a password containing the person's name or a part of it", () => {
  assert.is(passwordProblems('xx-ada lovelace-xx', { name: 'Ada Lovelace' }).length, 1);
  assert.is(passwordProblems('LOVELACE-forever-7', { name: 'Ada Lovelace' }).length, 1);
});

policy("rejects a password containing the organization's name", () => {
  assert.equal(passwordProblems('i-work-at-acme-2026', { organization: 'Acme' }), ["Password must not contain your organization's name."]);
});

policy('ignores personal details shorter than four characters', () => {
  assert.equal(passwordProblems('ada-is-at-ibm-since-99', { email: 'ada@ibm.com', name: 'Ada Li', organization: 'IBM' }), []);
});

policy.run();
