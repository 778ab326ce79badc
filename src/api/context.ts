import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';

/** What every request carries through the middleware chain. */
export interface AppState {
  requestId: string;
  correlationId: string;
  logger: Logger;
  /** The parsed JSON body, when the request had one. */
  body: unknown;
}

export type AppContext = ParameterizedContext<AppState>;
