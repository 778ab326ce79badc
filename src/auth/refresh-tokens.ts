import { createHash, randomBytes } from 'node:crypto';

/**
 * Refresh tokens are opaque: `<session id>.<secret>`. The session id finds the family's stream;
 * only a hash of the secret is ever stored.
 */
export function newRefreshToken(sessionId: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${sessionId}.${secret}`, hash: hashSecret(secret) };
}

export function readRefreshToken(token: string): { sessionId: string; hash: string } | null {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  return { sessionId: match[1]!, hash: hashSecret(match[2]!) };
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
