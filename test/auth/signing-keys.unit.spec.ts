import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { AccessTokens } from '../../src/auth/access-tokens.js';
import { loadOrCreateKeyFile, parseSigningKeys } from '../../src/auth/signing-keys.js';

const secretA = randomBytes(32);
const secretB = randomBytes(48);

function throwsMatching(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, Error);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${String(pattern)}`);
}

const parse = suite('parsing configured signing keys');

parse('parses kid:base64 pairs in order, the first being the active key', () => {
  const keys = parseSigningKeys(`kid1:${secretA.toString('base64')},kid2:${secretB.toString('base64')}`);
  assert.equal(keys, [
    { id: 'kid1', secret: secretA },
    { id: 'kid2', secret: secretB },
  ]);
});

parse('tolerates surrounding whitespace and url-safe or unpadded base64', () => {
  const keys = parseSigningKeys(` k_1 : ${secretA.toString('base64url')} ,\n k-2:${secretB.toString('base64').replace(/=+$/, '')} `);
  assert.equal(
    keys.map((key) => key.id),
    ['k_1', 'k-2'],
  );
  assert.ok(keys[0]?.secret.equals(secretA));
  assert.ok(keys[1]?.secret.equals(secretB));
});

parse('says the value is empty', () => {
  throwsMatching(() => parseSigningKeys(''), /empty/);
  throwsMatching(() => parseSigningKeys('   '), /empty/);
});

parse('names the entry that has no colon or is blank', () => {
  throwsMatching(() => parseSigningKeys(secretA.toString('base64')), /entry 1 has no ":"/);
  throwsMatching(() => parseSigningKeys(`k1:${secretA.toString('base64')},`), /entry 2 is empty/);
});

parse('rejects key ids with characters outside A-Z a-z 0-9 _ - or longer than 64', () => {
  for (const kid of ['', 'k 1', 'k.1', 'k/1', 'ключ', 'k'.repeat(65)]) {
    throwsMatching(() => parseSigningKeys(`${kid}:${secretA.toString('base64')}`), /key id .* must be 1-64 characters/);
  }
  assert.is(parseSigningKeys(`${'k'.repeat(64)}:${secretA.toString('base64')}`)[0]?.id, 'k'.repeat(64));
});

parse('rejects a secret shorter than 32 bytes without echoing it', () => {
  const short = randomBytes(31).toString('base64');
  try {
    parseSigningKeys(`k1:${short}`);
    assert.unreachable('expected an error');
  } catch (error) {
    assert.instance(error, Error);
    const { message } = error as Error;
    assert.match(message, /"k1" is 31 bytes; at least 32/);
    assert.not.ok(message.includes(short));
  }
});

parse('rejects secrets that are not base64 or are empty', () => {
  throwsMatching(() => parseSigningKeys('k1:not base64!'), /not base64/);
  throwsMatching(() => parseSigningKeys('k1:'), /empty secret/);
  throwsMatching(() => parseSigningKeys('k1:abc=def'), /not base64/);
});

parse('rejects a key id listed twice', () => {
  throwsMatching(() => parseSigningKeys(`k1:${secretA.toString('base64')},k1:${secretB.toString('base64')}`), /"k1" appears more than once/);
});

parse.run();

const file = suite('signing key file');
let dir = '';

file.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itsm-keys-'));
});

file.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

file('creates the file once, in a directory it creates, and loads the same keys afterwards', async () => {
  const path = join(dir, 'nested', 'deeper', 'signing-keys.json');
  let generated = 0;
  const newSecret = (): Buffer => {
    generated += 1;
    return randomBytes(32);
  };
  const first = await loadOrCreateKeyFile(path, newSecret);
  const second = await loadOrCreateKeyFile(path, newSecret);
  assert.is(generated, 1);
  assert.is(first.length, 1);
  assert.match(first[0]?.id ?? '', /^k-[0-9a-f]{8}$/);
  assert.is(first[0]?.secret.length, 32);
  assert.equal(second, first);
  assert.equal(JSON.parse(await readFile(path, 'utf8')), { keys: [{ id: first[0]?.id, secret: first[0]?.secret.toString('base64') }] });
});

file('creates the file readable and writable by its owner only', async () => {
  if (process.platform === 'win32') return;
  const path = join(dir, 'keys', 'signing-keys.json');
  await loadOrCreateKeyFile(path);
  assert.is((await stat(path)).mode & 0o777, 0o600);
  assert.is((await stat(join(dir, 'keys'))).mode & 0o777, 0o700);
});

file('lets tokens issued before a restart verify after it', async () => {
  const path = join(dir, 'signing-keys.json');
  const options = { issuer: 'itsm', audience: 'itsm-api', ttlSeconds: 900, clock: () => new Date('2026-11-25T10:00:00Z'), newId: () => 'jti' };
  const before = new AccessTokens({ ...options, keys: await loadOrCreateKeyFile(path) });
  const issued = before.issue({ userId: 'u', tenantId: 't', role: 'admin', sessionId: 's' });
  const after = new AccessTokens({ ...options, keys: await loadOrCreateKeyFile(path) });
  assert.equal(after.verify(issued.token), issued.claims);
});

file('agrees on one set of keys when several starts race to create the file, leaving no temp files', async () => {
  const path = join(dir, 'signing-keys.json');
  const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKeyFile(path)));
  for (const keys of results) assert.equal(keys, results[0]);
  assert.equal(await readdir(dir), ['signing-keys.json']);
});

file('reads an existing file with several keys in order', async () => {
  const path = join(dir, 'signing-keys.json');
  await writeFile(path, JSON.stringify({ keys: [{ id: 'new', secret: secretA.toString('base64') }, { id: 'old', secret: secretB.toString('base64') }] }));
  const keys = await loadOrCreateKeyFile(path, () => {
    throw new Error('must not generate a key when the file exists');
  });
  assert.equal(keys, [
    { id: 'new', secret: secretA },
    { id: 'old', secret: secretB },
  ]);
});

file('refuses a malformed existing file rather than overwriting it', async () => {
  const path = join(dir, 'signing-keys.json');
  const cases: [string, RegExp][] = [
    ['{"keys":[]}', /at least one key/],
    ['{"keys":[{"id":"k1","secret":"c2hvcnQ="}]}', /"k1" is 5 bytes/],
    ['[]', /must look like/],
    ['{"keys": [', /not valid JSON/],
    [`{"keys":[{"id":"k1","secret":"${secretA.toString('base64')}"},{"id":"k1","secret":"${secretB.toString('base64')}"}]}`, /"k1" appears more than once/],
    ['{"keys":[{"id":1,"secret":"x"}]}', /keys\[0\] must have string "id" and "secret"/],
  ];
  for (const [body, pattern] of cases) {
    await writeFile(path, body);
    try {
      await loadOrCreateKeyFile(path);
      assert.unreachable(`expected ${body} to be refused`);
    } catch (error) {
      assert.instance(error, Error);
      assert.match((error as Error).message, pattern);
    }
    assert.is(await readFile(path, 'utf8'), body);
  }
});

file('does not write a file when the generator returns a short secret', async () => {
  const path = join(dir, 'signing-keys.json');
  try {
    await loadOrCreateKeyFile(path, () => randomBytes(16));
    assert.unreachable('expected a short secret to be refused');
  } catch (error) {
    assert.match((error as Error).message, /16 bytes; at least 32/);
  }
  assert.equal(await readdir(dir), []);
});

file.run();
