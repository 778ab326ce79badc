import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { AccessClaims } from '../auth/access-tokens.js';
import type { Actor } from '../commands/identity/actor.js';

/** What every request carries through the middleware chain. */
export interface AppState {
  requestId: string;
  correlationId: string;
  logger: Logger;
  /** The parsed JSON body, when the request had one. */
  body: unknown;
  /** Set by the authenticate middleware on routes that need a signed-in caller. */
  actor?: Actor;
  /** The bearer token's claims (or why it was refused), once something on the way has checked it. */
  bearer?: AccessClaims | Error | null;
}

export type AppContext = ParameterizedContext<AppState>;
