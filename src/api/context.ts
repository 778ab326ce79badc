import type { ParameterizedContext } from 'koa';
import type { Logger } from 'pino';
import type { AccessClaims } from '../auth/access-tokens.js';
import type { Actor } from '../commands/identity/actor.js';
import type { RequestIdempotency } from '../commands/metadata.js';

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
  /** The Idempotency-Key this request holds (set by the idempotency middleware): its command's events carry it. */
  idempotency?: RequestIdempotency;
}

export type AppContext = ParameterizedContext<AppState>;
