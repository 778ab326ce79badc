import type { Middleware } from 'koa';
import type { AppState } from '../context.js';

export interface CorsOptions {
  /** Exact origins (`https://desk.example.com`) whose pages may call the API. */
  readonly origins: readonly string[];
}

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, If-Match, Idempotency-Key, Wait-For-Position, X-Request-Id, X-Correlation-Id';
/** Headers a page's script may read from an answer besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'ETag, Location, Log-Position, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Cross-origin access for the listed origins only. Any other origin gets no CORS headers at all,
 * so its page cannot read our answers; the request itself still reaches us, where a bearer token
 * (never a cookie) decides what it may do. A preflight is answered here and goes no further.
 */
export function cors(options: CorsOptions): Middleware<AppState> {
  const allowed = new Set(options.origins);
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    // Caches must keep answers per origin: one page's allowed answer is not another's.
    ctx.vary('Origin');
    const preflight = ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '';
    if (origin === '' || !allowed.has(origin)) {
      if (preflight) {
        ctx.status = 204;
        return;
      }
      await next();
      return;
    }
    ctx.set('Access-Control-Allow-Origin', origin);
    if (preflight) {
      ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    await next();
  };
}
