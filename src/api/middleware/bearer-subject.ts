import type { AccessTokens } from '../../auth/access-tokens.js';

/**
 * The user a bearer access token was issued to, or null when there is none or it does not verify.
 * Only a verified token may name the user: otherwise anyone could spend someone else's allowance.
 * The deny list is not consulted: a revoked token still counts against its user.
 */
export function bearerSubject(tokens: AccessTokens, authorization: string): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
  if (!match?.[1]) return null;
  try {
    return tokens.verify(match[1]).userId;
  } catch {
    return null;
  }
}
