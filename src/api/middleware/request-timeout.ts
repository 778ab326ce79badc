import type { Middleware } from 'koa';
import type { AppState } from '../context.js';
import { problemType } from '../problem.js';

export interface RequestTimeoutOptions {
  readonly timeoutMs: number;
}

/** Methods that change nothing: answering them early hides no effect from the client. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A read that takes longer than `timeoutMs` is answered 503 with Retry-After, so a stuck query
 * does not hold a client (and a proxy's connection) forever. Commands are not cut off: a 503 could
 * hide a write that commits a moment later. Their waits are bounded on their own (read-your-writes
 * answers 202 past its bound) and the server bounds how long a client may take to send a request.
 */
export function requestTimeout(options: RequestTimeoutOptions): Middleware<AppState> {
  return async (ctx, next) => {
    if (!SAFE.has(ctx.method)) {
      await next();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), options.timeoutMs);
    });
    const handled = next().then(() => 'handled' as const);
    try {
      if ((await Promise.race([handled, expired])) === 'handled') return;
    } finally {
      clearTimeout(timer);
    }
    // The handler runs on; whatever it does now is not sent, and its failure is only logged.
    handled.catch((error: unknown) => ctx.state.logger.warn({ err: error }, 'request failed after its deadline'));
    ctx.state.logger.warn({ method: ctx.method, path: ctx.path, timeoutMs: options.timeoutMs }, 'request deadline passed');
    ctx.status = 503;
    ctx.set('Retry-After', String(Math.max(1, Math.ceil(options.timeoutMs / 1000))));
    ctx.type = 'application/problem+json';
    ctx.body = {
      type: problemType('request-timeout'),
      title: 'Request took too long',
      status: 503,
      detail: `no answer within ${options.timeoutMs} ms; try again later`,
      requestId: ctx.state.requestId,
    };
  };
}
