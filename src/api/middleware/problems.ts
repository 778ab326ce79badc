import type { Middleware } from 'koa';
import type { AppContext, AppState } from '../context.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { SearchUnavailableError } from '../../search/errors.js';
import type { RenderedProblem } from '../problem.js';
import { HttpProblem, problemType, renderProblem } from '../problem.js';

/** Seconds a client is told to wait when the database or the search index is out of reach (a restart takes a few). */
const RETRY_AFTER_SECONDS = '5';

/**
 * Renders every failure as application/problem+json. 4xx are the client's and logged at info;
 * 5xx are ours: logged with the error, while the client sees only a generic detail. A database out
 * of reach, or the search index, is 503 with Retry-After, so clients back off instead of giving up.
 */
export function problems(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined) {
        const unanswered = unansweredProblem(ctx);
        if (unanswered) throw unanswered;
      }
    } catch (error) {
      const { problem, headers, ours } = isDatabaseUnavailable(error) ? unavailable('the database') : error instanceof SearchUnavailableError ? unavailable('the search index') : renderProblem(error);
      if (ours) ctx.state.logger.error({ err: error }, 'unhandled error');
      else ctx.state.logger.info({ status: problem.status, detail: problem.detail }, 'request refused');
      ctx.status = problem.status;
      ctx.set(headers);
      ctx.type = 'application/problem+json';
      ctx.body = { ...problem, requestId: ctx.state.requestId };
    }
  };
}

/** The database or the search index is down or restarting: nothing the client did, and worth a retry shortly. */
function unavailable(what: string): RenderedProblem {
  return {
    problem: { type: problemType('unavailable'), title: 'Service Unavailable', status: 503, detail: `${what} is unavailable; try again shortly` },
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    ours: true,
  };
}

/**
 * What the routers left without a body: no route at the path (404), a method the path does not
 * take (405, with the router's Allow), or a method no route takes anywhere (501, TRACE, PROPFIND).
 * All are the client's, answered as problems and logged at info.
 */
function unansweredProblem(ctx: AppContext): HttpProblem | null {
  const allow = ctx.response.get('Allow');
  switch (ctx.status) {
    case 404:
      return new HttpProblem(404, 'not-found', 'Not found', `no resource at ${ctx.path}`);
    case 405:
      return new HttpProblem(405, 'http-405', 'Method Not Allowed', `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allow}`, { Allow: allow });
    case 501:
      // An empty Allow would claim the path takes no method at all.
      if (allow === '') ctx.remove('Allow');
      return new HttpProblem(501, 'http-501', 'Not Implemented', `the ${ctx.method} method is not supported`);
    default:
      return null;
  }
}
