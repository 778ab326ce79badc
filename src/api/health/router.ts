import Router from '@koa/router';
import type { AppState } from '../context.js';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves with what to show; throws or returns ok:false when the dependency is not usable. */
  check(): Promise<{ ok: boolean; detail?: unknown }>;
}

const CHECK_DEADLINE_MS = 2_000;

/** /healthz says the process is alive; /readyz says whether it can serve (dependencies, lag). */
export function healthRouter(checks: readonly ReadinessCheck[]): Router<AppState> {
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
  return router;
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
