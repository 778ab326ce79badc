import type { Middleware } from 'koa';
import type { WriteReceipts } from '../../eventstore/write-receipts.js';
import type { LogPosition } from '../../eventstore/types.js';
import { formatPosition, parsePosition } from '../../eventstore/types.js';
import type { AppState } from '../context.js';
import { HttpProblem } from '../problem.js';

export interface LogPositionOptions {
  readonly receipts: WriteReceipts;
  /** Resolves true once every read model has passed `position`, false when the time ran out. */
  readonly waitFor: (position: LogPosition, timeoutMs: number) => Promise<boolean>;
  readonly maxWaitMs: number;
}

export const LOG_POSITION = 'Log-Position';
export const WAIT_FOR_POSITION = 'Wait-For-Position';

/**
 * Read-your-writes for the read models fed from the log after the commit (search, reporting,
 * notifications, timers). A request that appended answers with `Log-Position: <commit>/<prepare>`;
 * a later request that sends it back as `Wait-For-Position` is held, at most `maxWaitMs`, until
 * every read model has passed it, and answered 503 with Retry-After when they have not. Answers
 * themselves never wait: the read models they render from are written with the append.
 */
export function logPosition(options: LogPositionOptions): Middleware<AppState> {
  return async (ctx, next) => {
    const asked = ctx.get(WAIT_FOR_POSITION);
    if (asked !== '') {
      const position = parsePosition(asked.trim());
      if (!position) throw new HttpProblem(400, 'bad-wait-for-position', 'Bad Request', `${WAIT_FOR_POSITION} must be a Log-Position as answered (<commit>/<prepare>), not ${JSON.stringify(asked.slice(0, 64))}`);
      if (!(await options.waitFor(position, options.maxWaitMs))) {
        throw new HttpProblem(503, 'read-models-behind', 'Service Unavailable', `the read models have not reached ${formatPosition(position)} within ${options.maxWaitMs} ms; try again shortly`, { 'Retry-After': '1' });
      }
    }
    const last = await options.receipts.collect(next);
    if (last) ctx.set(LOG_POSITION, formatPosition(last));
  };
}
