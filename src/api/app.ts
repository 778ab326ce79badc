import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { AppState } from './context.js';
import { jsonBody } from './middleware/json-body.js';
import { problems } from './middleware/problems.js';
import { queryGuard } from './middleware/query-guard.js';
import { rateLimit } from './middleware/rate-limit.js';
import type { RateLimiter } from '../volatile/index.js';
import { requestContext } from './middleware/request-context.js';

export interface AppOptions {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly routers: readonly Router<AppState>[];
  readonly rateLimiter: RateLimiter;
  readonly rateLimitPerMinute: number;
  /** Paths whose handlers read the request body themselves (uploads): the JSON body parser skips them. */
  readonly ownBodyPaths?: (path: string) => boolean;
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export function createApp(options: AppOptions): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false });
  // Errors are rendered by the problems middleware; Koa's default handler would print stacks.
  app.silent = true;
  app.use(requestContext(options.logger));
  app.use(problems());
  app.use(queryGuard());
  app.use(rateLimit({ limiter: options.rateLimiter, perMinute: options.rateLimitPerMinute, exempt: (path) => PROBES.has(path) }));
  app.use(jsonBody({ limitBytes: options.bodyLimitBytes, ...(options.ownBodyPaths ? { skip: options.ownBodyPaths } : {}) }));
  for (const router of options.routers) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
