import type { Middleware } from 'koa';
import type { JsonValue } from '../../eventstore/types.js';
import type { Claim, IdempotencyStore, StoredResponse } from '../../idempotency/index.js';
import { requestFingerprint } from '../../idempotency/index.js';
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
    const fingerprint = requestFingerprint({ method: ctx.method, path: ctx.path, query: ctx.querystring, body: ctx.state.body });
    const outcome = await store.claim({ scope: scopeOf(ctx), key, fingerprint, leaseMs });
    switch (outcome.kind) {
      case 'claimed':
        return runClaimed(ctx, next, outcome.claim);
      case 'in_progress':
        if (outcome.fingerprint !== fingerprint) throw reused();
        throw new HttpProblem(409, 'idempotency-key-in-progress', 'Conflict', 'a request with this Idempotency-Key is still being processed', { 'Retry-After': '1' });
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
  // an error. A claim left in progress expires with its lease.
  async function complete(ctx: AppContext, claim: Claim, response: StoredResponse): Promise<void> {
    try {
      const kept = await store.complete(claim, response, retentionMs);
      if (!kept) ctx.state.logger.warn({ key: claim.key }, 'idempotency: the claim was taken over before the answer could be kept');
    } catch (error) {
      ctx.state.logger.error({ err: error, key: claim.key }, 'idempotency: could not keep the answer; retries wait for the lease to expire');
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
}

/** The route template @koa/router matched; its own `_matchedRoute` names a `router.use` layer instead. */
function routeOf(ctx: AppContext): string {
  const matched = (ctx as AppContext & { matched?: readonly MatchedLayer[] }).matched;
  const route = matched?.findLast((layer) => layer.methods.includes(ctx.method));
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

function reused(): HttpProblem {
  return new HttpProblem(422, 'idempotency-key-reused', 'Unprocessable Content', 'this Idempotency-Key was already used for a different request');
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`idempotent(): ${name} must be a positive number`);
  return value;
}
