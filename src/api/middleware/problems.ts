import type { Middleware } from 'koa';
import type { AppState } from '../context.js';
import { problemType, renderProblem } from '../problem.js';

/**
 * Renders every failure as application/problem+json. 4xx are the client's and logged at info;
 * 5xx are ours: logged with the error, while the client sees only a generic detail.
 */
export function problems(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.type = 'application/problem+json';
        ctx.body = { type: problemType('not-found'), title: 'Not found', status: 404, detail: `no resource at ${ctx.path}`, requestId: ctx.state.requestId };
      }
    } catch (error) {
      const { problem, headers, ours } = renderProblem(error);
      if (ours) ctx.state.logger.error({ err: error }, 'unhandled error');
      else ctx.state.logger.info({ status: problem.status, detail: problem.detail }, 'request refused');
      ctx.status = problem.status;
      ctx.set(headers);
      ctx.type = 'application/problem+json';
      ctx.body = { ...problem, requestId: ctx.state.requestId };
    }
  };
}
