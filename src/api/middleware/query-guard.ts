import type { Middleware } from 'koa';
import type { AppState } from '../context.js';
import { HttpProblem } from '../problem.js';

/** PostgreSQL text cannot hold U+0000: a query string carrying one is refused before any handler reads it. */
export function queryGuard(): Middleware<AppState> {
  return async (ctx, next) => {
    if (/%00/i.test(ctx.querystring) || ctx.path.includes('\u0000')) {
      throw new HttpProblem(400, 'invalid-characters', 'Bad Request', 'the URL contains a NUL character (%00)');
    }
    await next();
  };
}
