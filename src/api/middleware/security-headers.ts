import type { Middleware } from 'koa';
import type { AppState } from '../context.js';

/** A year, the figure browsers' preload lists ask for. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers every answer carries. The API serves JSON, so its policy allows nothing to load and no
 * page to frame it; a route serving a page (the API reference) sets its own policy over this one.
 * HSTS only means something over TLS, and only a trusted proxy can tell us the client used TLS
 * (`X-Forwarded-Proto`, read by Koa when TRUST_PROXY is on).
 */
export function securityHeaders(): Middleware<AppState> {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (ctx.secure) ctx.set('Strict-Transport-Security', HSTS);
    // Answers are a caller's own (their tickets, their tokens): no cache, shared or private, keeps
    // one. A route whose answer is the same for everyone (the API reference) sets its own policy.
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
}
