import type { Middleware } from 'koa';
import type { Metrics } from '../../observability/metrics.js';
import type { AppState } from '../context.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request under its route template (`/api/v1/tickets/:id`), never its raw path: one
 * label value per route however many ids are asked for. A request no route took is "unmatched".
 */
export function httpMetrics(metrics: Metrics): Middleware<AppState> {
  return async (ctx, next) => {
    metrics.httpRequestsInFlight.inc();
    const stop = metrics.httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      metrics.httpRequestsInFlight.dec();
      stop({ method: METHODS.has(ctx.method) ? ctx.method : 'OTHER', route: routeOf(ctx), status: String(ctx.status) });
    }
  };
}

/** @koa/router puts the template of the route that took the request on the context. */
function routeOf(ctx: object): string {
  const route: unknown = Reflect.get(ctx, '_matchedRoute');
  return typeof route === 'string' ? route : 'unmatched';
}
