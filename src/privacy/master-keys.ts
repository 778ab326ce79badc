/**
 * The master keys that wrap every person's data key. They live outside the database (config or a
 * key file), so a stolen database dump holds only ciphertext and wrapped keys, and reads as
 * nothing. The first key wraps new data keys; the others still unwrap, so a master key can be
 * rotated by putting a new one first.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { loadOrCreateKeyFile } from '../auth/signing-keys.js';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const MIN_SECRET_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface WrappedKey {
  readonly masterKeyId: string;
  readonly wrapped: string;
}

export class MasterKeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;
  private readonly current: MasterKey;

  constructor(secrets: ReadonlyArray<{ readonly id: string; readonly secret: Buffer }>) {
    const [first] = secrets;
    if (!first) throw new Error('personal data master keys: at least one key is needed');
    // A fixed-size AES key whatever the length of the secret the operator supplied.
    const derive = (secret: Buffer) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'itsm personal data master key', 32));
    this.byId = new Map(secrets.map(({ id, secret }) => [id, derive(secret)]));
    this.current = { id: first.id, key: derive(first.secret) };
  }

  /** The subject is authenticated with the key, so a wrapped key copied to another row does not open. */
  wrap(dataKey: Buffer, subjectId: string): WrappedKey {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(`personal-data-key:${subjectId}`));
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { masterKeyId: this.current.id, wrapped: Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64') };
  }

  unwrap(stored: WrappedKey, subjectId: string): Buffer {
    const key = this.byId.get(stored.masterKeyId);
    if (!key) throw new Error(`personal data master key "${stored.masterKeyId}" is not configured; its data keys cannot be opened`);
    const bytes = Buffer.from(stored.wrapped, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`personal-data-key:${subjectId}`));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}

/** Parses `kid1:BASE64SECRET,kid2:BASE64SECRET` (secrets of at least 32 bytes); the first wraps. */
export function parseMasterKeys(text: string): MasterKeyRing {
  const entries = text.split(',').map((entry, index) => {
    const where = `personal data master keys: entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon === -1) throw new Error(`${where} has no ":"; expected "kid:base64secret"`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) throw new Error(`${where}: the key id must be 1-64 letters, digits, ".", "_" or "-"`);
    if (!BASE64.test(encoded)) throw new Error(`${where}: the secret is not base64`);
    const secret = Buffer.from(encoded, 'base64');
    if (secret.length < MIN_SECRET_BYTES) throw new Error(`${where}: the secret must be at least ${MIN_SECRET_BYTES} bytes`);
    return { id, secret };
  });
  if (new Set(entries.map((entry) => entry.id)).size !== entries.length) throw new Error('personal data master keys: a key id appears twice');
  return new MasterKeyRing(entries);
}

/** The embedded default: a key file under the data directory, created on first start (same format as the signing keys' file). */
export async function loadOrCreateMasterKeys(path: string): Promise<MasterKeyRing> {
  return new MasterKeyRing(await loadOrCreateKeyFile(path));
}
