import type { Middleware } from 'koa';
import type { RequestIdempotency } from '../../commands/metadata.js';
import type { JsonValue, KeyedEvent } from '../../eventstore/types.js';
import { comparePositions, formatPosition } from '../../eventstore/types.js';
import type { Claim, IdempotencyStore, StoredResponse } from '../../idempotency/index.js';
import { keyDigest, requestFingerprint } from '../../idempotency/index.js';
import type { AppContext, AppState } from '../context.js';
import { HttpProblem, renderProblem } from '../problem.js';

export interface IdempotencyOptions {
  /** How long a finished request's answer is kept for replay. Default 24. */
  readonly ttlHours?: number;
  /**
   * How long an unfinished request holds its key. Only a crashed process leaves a claim behind;
   * past this a retry may run the request again. Must exceed the slowest handler. Default 300.
   */
  readonly leaseSeconds?: number;
  /**
   * The event log, where a command's events carry its request's key: a retry whose first attempt
   * crashed after the append (before its answer was kept) is answered from what the log holds
   * instead of running again. Without it, only the lease protects such a key.
   */
  readonly log?: IdempotencyLog;
}

/** The part of the event store this middleware reads. */
export interface IdempotencyLog {
  findByIdempotencyKey(key: string): Promise<KeyedEvent[]>;
}

/**
 * Answers a request whose command is in the log (its events, in log order) as the command would
 * have: the status and resource it produced. False when these events are not the command having
 * happened (the route's own check), which then counts as not committed.
 */
export type ReplayFromLog = (ctx: AppContext, events: readonly KeyedEvent[]) => Promise<boolean>;

const REPLAY = Symbol('idempotency: replay from the log');
type Replaying = Middleware<AppState> & { readonly [REPLAY]: ReplayFromLog };

/**
 * Put first on a route to say how a committed command of it is answered again when its original
 * answer was lost (`router.post('/', replaysFromLog(renderOpened), handler)`); a route without it
 * is answered 202 with the log position of its command's last event, which every command route
 * may answer. On any other request it does nothing.
 */
export function replaysFromLog(render: ReplayFromLog): Middleware<AppState> {
  const passThrough: Middleware<AppState> = (_ctx, next) => next();
  return Object.assign(passThrough, { [REPLAY]: render });
}

const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_SYNTAX = /^[\x20-\x7E]{1,255}$/;
/** The headers that belong to the answer itself; the rest (request id, rate limits) are per request. */
const KEPT_HEADERS = ['Location', 'ETag', 'Content-Type'] as const;

/**
 * Honours an `Idempotency-Key` header on command routes: the first request with a key runs and its
 * answer is kept; a retry with the same key and the same request gets that answer again
 * (`Idempotent-Replayed: true`) and the handler does not run, so nothing is appended twice. The same
 * key with another request is 422; while the first is still running, 409 with Retry-After.
 * Requests without the header, and GET/HEAD/OPTIONS, pass straight through.
 *
 * The kept answer is written after the handler; the command's events carry the key (see
 * `ctx.state.idempotency`), written in the append itself. So when no answer is kept — the first
 * attempt crashed between its append and `complete`, or its claim expired or was purged — the
 * log decides: events under the key mean the command committed, and the retry is answered from
 * them (`replaysFromLog`), however late it comes and without waiting for the lease; no events
 * and a live lease mean the first attempt may still append: 409 as before; no events and no live
 * claim mean it never committed: the request runs.
 *
 * Mount it inside a router, after the authentication middleware (keys are scoped by the actor's
 * tenant and user; without an actor, by client address) and behind the app's JSON body parser
 * (the body is part of the fingerprint):
 *
 *   router.use(authenticate);
 *   router.use(idempotent(system.idempotency));          // every command route of the router
 *   router.post('/', idempotent(store), handler);          // or route by route
 *
 * Inside a router the key's scope names the route template (`POST /api/v1/tickets/:id/comments`);
 * mounted outside one it falls back to the concrete path.
 */
export function idempotent(store: IdempotencyStore, options: IdempotencyOptions = {}): Middleware<AppState> {
  const retentionMs = positive(options.ttlHours ?? 24, 'ttlHours') * 3_600_000;
  const leaseMs = positive(options.leaseSeconds ?? 300, 'leaseSeconds') * 1000;

  return async (ctx, next) => {
    const header = ctx.headers['idempotency-key'];
    if (!COMMAND_METHODS.has(ctx.method) || header === undefined) {
      await next();
      return;
    }
    const key = parseKey(header);
    const scope = scopeOf(ctx);
    const fingerprint = requestFingerprint({ method: ctx.method, path: ctx.path, query: ctx.querystring, body: ctx.state.body });
    const request: RequestIdempotency = { key: keyDigest(scope, key), fingerprint };
    const outcome = await store.claim({ scope, key, fingerprint, leaseMs });
    switch (outcome.kind) {
      case 'claimed': {
        // Claimed, yet the command may be in the log: the key's earlier attempt crashed after its append.
        let committed: KeyedEvent[];
        try {
          committed = await committedEvents(request);
        } catch (error) {
          // A key the log gives to another request (422) stays that request's: this claim must not hold it.
          await release(ctx, outcome.claim);
          throw error;
        }
        ctx.state.idempotency = request;
        return runClaimed(ctx, async () => {
          if (committed.length === 0 || !(await replayFromLog(ctx, committed))) await next();
        }, outcome.claim);
      }
      case 'in_progress': {
        if (outcome.fingerprint !== fingerprint) throw reused();
        // The holder crashed after its append, or is about to answer: either way the log has the answer.
        const committed = await committedEvents(request);
        if (committed.length > 0 && (await replayFromLog(ctx, committed))) return;
        throw new HttpProblem(409, 'idempotency-key-in-progress', 'Conflict', 'a request with this Idempotency-Key is still being processed', { 'Retry-After': '1' });
      }
      case 'done':
        if (outcome.fingerprint !== fingerprint) throw reused();
        replay(ctx, outcome.response);
        return;
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  };

  /** The events of the key's command; the same key on another request is refused as always. */
  async function committedEvents(request: RequestIdempotency): Promise<KeyedEvent[]> {
    if (!options.log) return [];
    const events = await options.log.findByIdempotencyKey(request.key);
    if (events.some((event) => event.requestFingerprint !== request.fingerprint)) throw reused();
    return events;
  }

  async function runClaimed(ctx: AppContext, next: () => Promise<unknown>, claim: Claim): Promise<void> {
    try {
      await next();
    } catch (error) {
      const { problem, headers, ours } = renderProblem(error);
      if (ours || retryable(problem.status)) await release(ctx, claim);
      // Kept exactly as the problems middleware is about to render it, request id included.
      else await complete(ctx, claim, { status: problem.status, headers: { ...headers, 'Content-Type': 'application/problem+json' }, body: replayableBody({ ...problem, requestId: ctx.state.requestId }) ?? null });
      throw error;
    }
    const body = replayableBody(ctx.body);
    if (body === undefined) {
      ctx.state.logger.warn({ status: ctx.status }, 'idempotency: the answer is not JSON and cannot be kept for replay; key released');
      await release(ctx, claim);
      return;
    }
    if (retryable(ctx.status)) {
      await release(ctx, claim);
      return;
    }
    await complete(ctx, claim, { status: ctx.status, headers: keptHeaders(ctx), body });
  }

  // The handler's work is done when these run: failing to record it must not turn its answer into
  // an error. A claim left in progress expires with its lease; until then, and after, a retry of a
  // committed command is answered from the log.
  async function complete(ctx: AppContext, claim: Claim, response: StoredResponse): Promise<void> {
    try {
      const kept = await store.complete(claim, response, retentionMs);
      if (!kept) ctx.state.logger.warn({ key: claim.key }, 'idempotency: the claim was taken over before the answer could be kept');
    } catch (error) {
      ctx.state.logger.error({ err: error, key: claim.key }, 'idempotency: could not keep the answer; retries are answered from the log');
    }
  }

  async function release(ctx: AppContext, claim: Claim): Promise<void> {
    try {
      await store.release(claim);
    } catch (error) {
      ctx.state.logger.error({ err: error, key: claim.key }, 'idempotency: could not release the claim; retries wait for the lease to expire');
    }
  }
}

function parseKey(header: string | string[]): string {
  // Node joins repeated custom headers into one string; an array would be two keys at once.
  if (typeof header !== 'string' || !KEY_SYNTAX.test(header)) {
    throw new HttpProblem(400, 'invalid-idempotency-key', 'Bad Request', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
  }
  return header;
}

/** Tenant, caller, and endpoint: two callers may pick the same key without ever meeting. */
function scopeOf(ctx: AppContext): string {
  const actor = ctx.state.actor;
  return JSON.stringify([actor?.tenantId ?? 'anonymous', actor ? `user:${actor.userId}` : `ip:${ctx.ip}`, `${ctx.method} ${routeOf(ctx)}`]);
}

interface MatchedLayer {
  readonly path: string | RegExp;
  readonly methods: readonly string[];
  readonly stack?: readonly unknown[];
}

/** The route layer @koa/router matched; its own `_matchedRoute` names a `router.use` layer instead. */
function matchedRoute(ctx: AppContext): MatchedLayer | undefined {
  const matched = (ctx as AppContext & { matched?: readonly MatchedLayer[] }).matched;
  return matched?.findLast((layer) => layer.methods.includes(ctx.method));
}

function routeOf(ctx: AppContext): string {
  const route = matchedRoute(ctx);
  return route ? String(route.path) : ctx.path;
}

/**
 * 429 says "later", and 5xx are ours: keeping either would refuse the retry the client was told to
 * make. Every other 4xx is the request's own answer and is kept.
 */
function retryable(status: number): boolean {
  return status >= 500 || status === 429;
}

/** The body as JSON (what Koa would send), or undefined for streams and buffers, which cannot be kept. */
function replayableBody(body: unknown): JsonValue | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') return undefined;
  try {
    // Through JSON and back: what is kept is what the client got (Dates as strings, no undefined).
    const text = JSON.stringify(body) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  } catch {
    return undefined;
  }
}

function keptHeaders(ctx: AppContext): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = ctx.response.get(name);
    if (value !== '' && value !== undefined) kept[name] = String(value);
  }
  return kept;
}

function replay(ctx: AppContext, response: StoredResponse): void {
  ctx.status = response.status;
  // Headers before the body: Koa's body setter guesses a Content-Type only when none is set.
  ctx.set({ ...response.headers, 'Idempotent-Replayed': 'true' });
  if (response.body !== null) ctx.body = response.body;
}

/** The route's own replay, or the 202 with the log position every command route may answer. */
async function replayFromLog(ctx: AppContext, events: readonly KeyedEvent[]): Promise<boolean> {
  const render = matchedRoute(ctx)?.stack?.find(isReplaying)?.[REPLAY] ?? acceptedAt;
  if (!(await render(ctx, events))) return false;
  ctx.set('Idempotent-Replayed', 'true');
  return true;
}

function isReplaying(middleware: unknown): middleware is Replaying {
  return typeof middleware === 'function' && REPLAY in middleware;
}

function acceptedAt(ctx: AppContext, events: readonly KeyedEvent[]): Promise<boolean> {
  const last = events.reduce((latest, event) => (comparePositions(event.position, latest.position) > 0 ? event : latest));
  ctx.status = 202;
  ctx.body = { status: 'accepted', position: formatPosition(last.position) };
  return Promise.resolve(true);
}

function reused(): HttpProblem {
  return new HttpProblem(422, 'idempotency-key-reused', 'Unprocessable Content', 'this Idempotency-Key was already used for a different request');
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`idempotent(): ${name} must be a positive number`);
  return value;
}
