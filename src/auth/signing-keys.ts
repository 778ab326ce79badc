/**
 * Where access-token signing keys come from: an operator-supplied config string, or (for the
 * embedded, zero-config default) a key file created on first start so tokens survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KEY_ID_PATTERN, MIN_SECRET_BYTES } from './access-tokens.js';
import type { SigningKey } from './access-tokens.js';

// Accepts both the standard and the URL-safe alphabet: operators paste whatever their tool printed.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Parses `kid1:BASE64SECRET,kid2:BASE64SECRET`; the first key signs, the rest only verify. */
export function parseSigningKeys(text: string): SigningKey[] {
  if (text.trim() === '') throw new Error('signing keys: the value is empty; expected "kid:base64secret[,kid:base64secret...]"');
  const entries = text.split(',').map((entry, index) => {
    const trimmed = entry.trim();
    const where = `signing keys: entry ${index + 1}`;
    if (trimmed === '') throw new Error(`${where} is empty (stray comma?)`);
    const colon = trimmed.indexOf(':');
    if (colon === -1) throw new Error(`${where} has no ":"; expected "kid:base64secret"`);
    return toSigningKey(trimmed.slice(0, colon).trim(), trimmed.slice(colon + 1).trim(), where);
  });
  return withoutDuplicates(entries, 'signing keys');
}

/**
 * Reads `{ keys: [{ id, secret }] }` from `path`, creating it with one fresh key if it does not exist.
 * Several processes may start at once against the same data directory; they all end up with the
 * same file because it only ever appears fully written, and only the first creator's version wins.
 */
export async function loadOrCreateKeyFile(path: string, newSecret: () => Buffer = () => randomBytes(MIN_SECRET_BYTES)): Promise<SigningKey[]> {
  const existing = await readKeyFileSettled(path);
  if (existing !== undefined) return existing;

  const key: SigningKey = { id: `k-${randomBytes(4).toString('hex')}`, secret: newSecret() };
  // Validate before writing so a bad generator never leaves behind a file every later start rejects.
  toSigningKey(key.id, key.secret.toString('base64'), `key file ${path}: generated key`);
  const body = `${JSON.stringify({ keys: [{ id: key.id, secret: key.secret.toString('base64') }] }, null, 2)}\n`;

  // 0700: the directory holds secrets; recursive mkdir leaves an existing directory's mode alone.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  if (await publishExclusively(path, body)) return [key];

  // Someone else created it between our read and our write: theirs is the one everybody uses.
  const theirs = await readKeyFileSettled(path);
  // Deleted again mid-start (by an operator?): do not guess, make them look.
  if (theirs === undefined) throw new Error(`key file ${path} appeared and then disappeared while starting`);
  return theirs;
}

/** Writes `body` to `path` only if `path` does not exist yet; false when another writer got there first. */
async function publishExclusively(path: string, body: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    // Explicit chmod because open()'s mode is filtered through the umask.
    await handle.chmod(0o600);
    await handle.writeFile(body, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // link() is rename() that refuses to replace an existing file, so readers never see a partial write
    // and a concurrent creator cannot overwrite keys that may already have signed tokens.
    await link(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(errorCode(error) ?? '')) throw error;
    // Some filesystems (certain network and container mounts) have no hard links: fall back to an
    // exclusive create, accepting that a racing reader may briefly see it half-written (it retries).
    try {
      await writeFile(path, body, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readKeyFile(path: string): Promise<SigningKey[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  return parseKeyFile(path, text);
}

/** Reads the key file, giving a concurrent non-atomic fallback writer (see above) time to finish. */
async function readKeyFileSettled(path: string): Promise<SigningKey[] | undefined> {
  // Long enough for a few hundred bytes to land, short enough that a truly corrupt file fails fast.
  const deadline = Date.now() + 500;
  for (;;) {
    try {
      return await readKeyFile(path);
    } catch (error) {
      if (!(error instanceof KeyFileSyntaxError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

class KeyFileSyntaxError extends Error {}

function parseKeyFile(path: string, text: string): SigningKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyFileSyntaxError(`key file ${path} is not valid JSON`);
  }
  const keys: unknown = typeof parsed === 'object' && parsed !== null ? (parsed as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`key file ${path} must look like {"keys":[{"id":"...","secret":"<base64>"}]} with at least one key`);
  const result = keys.map((entry: unknown, index) => {
    const where = `key file ${path}: keys[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where} must be an object with "id" and "secret"`);
    const { id, secret } = entry as { id?: unknown; secret?: unknown };
    if (typeof id !== 'string' || typeof secret !== 'string') throw new Error(`${where} must have string "id" and "secret"`);
    return toSigningKey(id, secret, where);
  });
  return withoutDuplicates(result, `key file ${path}`);
}

function toSigningKey(id: string, encodedSecret: string, where: string): SigningKey {
  if (!KEY_ID_PATTERN.test(id)) throw new Error(`${where}: key id ${JSON.stringify(id)} must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"`);
  // Never echo the secret itself in an error: these messages end up in logs.
  if (encodedSecret === '') throw new Error(`${where}: key "${id}" has an empty secret`);
  if (!BASE64.test(encodedSecret)) throw new Error(`${where}: secret of key "${id}" is not base64`);
  const standard = encodedSecret.replace(/-/g, '+').replace(/_/g, '/');
  const secret = Buffer.from(standard, 'base64');
  // Node's decoder silently drops what it cannot use; a round trip catches truncated or mangled values.
  if (secret.toString('base64').replace(/=+$/, '') !== standard.replace(/=+$/, '')) throw new Error(`${where}: secret of key "${id}" is not valid base64`);
  if (secret.length < MIN_SECRET_BYTES) {
    throw new Error(`${where}: secret of key "${id}" is ${secret.length} bytes; at least ${MIN_SECRET_BYTES} are required (e.g. \`openssl rand -base64 32\`)`);
  }
  return { id, secret };
}

function withoutDuplicates(keys: SigningKey[], where: string): SigningKey[] {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.id)) throw new Error(`${where}: key id "${key.id}" appears more than once`);
    seen.add(key.id);
  }
  return keys;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
