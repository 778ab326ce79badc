import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { AppContext, AppState } from './context.js';
import { cors } from './middleware/cors.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { jsonBody } from './middleware/json-body.js';
import { problems } from './middleware/problems.js';
import { queryGuard } from './middleware/query-guard.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestTimeout } from './middleware/request-timeout.js';
import { securityHeaders } from './middleware/security-headers.js';
import type { RateLimiter } from '../volatile/index.js';
import { requestContext } from './middleware/request-context.js';
import type { LogPositionOptions } from './middleware/log-position.js';
import { logPosition } from './middleware/log-position.js';

export interface AppOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly bodyLimitBytes: number;
  readonly routers: readonly Router<AppState>[];
  readonly rateLimiter: RateLimiter;
  /** This instance's own limiter, for when the shared one is down. */
  readonly fallbackRateLimiter: RateLimiter;
  readonly rateLimitPerMinute: number;
  readonly rateLimitPerUserPerMinute: number;
  /** The user a request's bearer token names, when it carries a valid one (per-user limits). */
  readonly subjectOf: (ctx: AppContext) => string | null;
  readonly requestTimeoutMs: number;
  readonly corsOrigins: readonly string[];
  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-*. */
  readonly trustProxy: boolean;
  /** Proxies that append to X-Forwarded-For: the client address is this many entries from the right. */
  readonly trustProxyHops: number;
  /** Paths whose handlers read the request body themselves (uploads): the JSON body parser skips them. */
  readonly ownBodyPaths?: (path: string) => boolean;
  /** Log-Position on answers that appended, Wait-For-Position on requests (read-your-writes for async read models). */
  readonly logPosition?: LogPositionOptions;
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export function createApp(options: AppOptions): Koa<AppState> {
  // Koa keeps the last maxIpsCount entries of X-Forwarded-For and takes the first of them as ctx.ip.
  const app = new Koa<AppState>({ proxy: options.trustProxy, maxIpsCount: options.trustProxyHops });
  // Errors are rendered by the problems middleware; Koa's default handler would print stacks.
  app.silent = true;
  app.use(requestContext(options.logger));
  app.use(httpMetrics(options.metrics));
  app.use(securityHeaders());
  app.use(cors({ origins: options.corsOrigins }));
  app.use(problems());
  app.use(requestTimeout({ timeoutMs: options.requestTimeoutMs }));
  app.use(queryGuard());
  app.use(
    rateLimit({
      limiter: options.rateLimiter,
      fallback: options.fallbackRateLimiter,
      perMinute: options.rateLimitPerMinute,
      perUserPerMinute: options.rateLimitPerUserPerMinute,
      subjectOf: options.subjectOf,
      exempt: (path) => PROBES.has(path),
    }),
  );
  app.use(jsonBody({ limitBytes: options.bodyLimitBytes, ...(options.ownBodyPaths ? { skip: options.ownBodyPaths } : {}) }));
  if (options.logPosition) app.use(logPosition(options.logPosition));
  for (const router of options.routers) {
    app.use(router.routes());
    // Not thrown: the router sets 405 or 501 with its Allow header, and the problems middleware
    // renders the body (a thrown 501 would count as our failure).
    app.use(router.allowedMethods());
  }
  return app;
}
