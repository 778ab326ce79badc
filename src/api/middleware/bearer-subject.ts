import type { AccessClaims, AccessTokenVerifier } from '../../auth/access-tokens.js';
import type { TokenDenyList } from '../../volatile/index.js';
import type { AppContext } from '../context.js';
import { lookUpRevocationsEarly } from '../identity/revocations.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * The claims of the request's bearer access token: null when there is no bearer token, an error
 * when it does not verify. Checked once per request (the rate limiter asks before the router's
 * authentication does), the answer kept on the request.
 */
export function bearerClaims(ctx: AppContext, tokens: AccessTokenVerifier): AccessClaims | Error | null {
  if (ctx.state.bearer !== undefined) return ctx.state.bearer;
  const match = BEARER.exec(ctx.get('Authorization'));
  let checked: AccessClaims | Error | null = null;
  if (match?.[1]) {
    try {
      checked = tokens.verify(match[1]);
    } catch (error) {
      checked = error instanceof Error ? error : new Error('invalid access token');
    }
  }
  ctx.state.bearer = checked;
  return checked;
}

/**
 * The user a bearer access token was issued to, or null when there is none or it does not verify.
 * Only a verified token may name the user: otherwise anyone could spend someone else's allowance.
 * The deny list is not consulted for the answer: a revoked token still counts against its user.
 * Given the deny list, it starts the token's revocation lookup for authentication, so that the
 * lookup travels with the rate limiter's own call.
 */
export function bearerSubject(ctx: AppContext, tokens: AccessTokenVerifier, denyList?: TokenDenyList): string | null {
  const claims = bearerClaims(ctx, tokens);
  if (claims === null || claims instanceof Error) return null;
  if (denyList) lookUpRevocationsEarly(ctx, denyList, claims);
  return claims.userId;
}
