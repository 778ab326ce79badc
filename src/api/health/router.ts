import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { UnauthorizedError } from '../../domain/errors.js';
import type { Metrics } from '../../observability/metrics.js';
import type { AppState } from '../context.js';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves with what to show; throws or returns ok:false when the dependency is not usable. */
  check(): Promise<{ ok: boolean; detail?: unknown }>;
}

const CHECK_DEADLINE_MS = 2_000;

export interface HealthRouterOptions {
  readonly checks: readonly ReadinessCheck[];
  readonly metrics: Metrics;
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  readonly metricsToken?: string | undefined;
}

/**
 * /healthz says the process is alive; /readyz says whether it can serve (dependencies, lag);
 * /metrics is for Prometheus. None of them takes a user's token: probes and scrapers have none.
 */
export function healthRouter(options: HealthRouterOptions): Router<AppState> {
  const { checks, metrics, metricsToken } = options;
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(checks.map((check) => runCheck(check)));
    const ready = results.every((result) => result.ok);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results.map((result) => [result.name, result])) };
  });
  router.get('/metrics', async (ctx) => {
    if (metricsToken !== undefined && !sameSecret(/^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1] ?? '', metricsToken)) {
      throw new UnauthorizedError('a bearer token for metrics is required');
    }
    const { contentType, text } = await metrics.scrape();
    ctx.type = contentType;
    ctx.body = text;
  });
  return router;
}

/** Compares digests, so neither the length nor a matching prefix of the token shows in the timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; detail?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_DEADLINE_MS} ms`)), CHECK_DEADLINE_MS);
    });
    const result = await Promise.race([check.check(), deadline]);
    return { name: check.name, ...result };
  } catch (error) {
    return { name: check.name, ok: false, detail: error instanceof Error ? error.message : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
